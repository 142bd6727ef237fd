//! Public pages from memory. The pages everyone reads in a surge (a campaign, home, the
//! listings, search, a hashtag) are the same for every visitor who is not logged in, so for
//! them each address is drawn at most once per language in a page's life (a second by
//! default), gzipped once, and answered from memory in between. When a page's life ends,
//! one request draws it again while the others still get the copy in memory, for at most
//! [`STALE_FOR`]; they never queue behind the store.
//!
//! What such a page shows is therefore at most its life old: the count, the newest names,
//! an edit or a moderator's act in another process. The campaign page's script brings the
//! count current as it changes. The same answer tells shared caches and browsers they may
//! keep it a second (`Cache-Control: public`, which also keeps every cookie off it) and
//! gives an `ETag`, so one coming back with it hears only "not modified".
//!
//! Members' pages carry their name and their forms' tokens: they are drawn afresh for each
//! request and stay out of shared caches. So does an answer to `?lang=`, which must set the
//! cookie that remembers the choice.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::write::GzEncoder;
use tokio::sync::Notify;
use tomar_core::hash::{hex, sha256};
use tomar_core::language::Language;

/// What a shared cache may do with a public page: keep it a second, and answer it a little
/// longer while it asks again.
const SHARED: &str = "public, max-age=1, stale-while-revalidate=10";
/// What a member's copy of a public page says: for their browser only, asked for again
/// before it is shown again.
pub(super) const PRIVATE: &str = "private, no-cache";
/// A page varies with the cookies (language, session) and with gzip.
pub(super) const VARIES_WITH: &str = "Cookie, Accept-Encoding";
const HTML: &str = "text/html; charset=utf-8";
/// How long past its life a page is still answered while one request draws it again; past
/// this, every request draws it (the one drawing it may have failed).
pub const STALE_FOR: Duration = Duration::from_secs(10);
/// Memory for pages, plain and gzipped together: some hundreds of pages. Addresses made up
/// to fill it (a query no page reads) take only what is free, never a kept page's place.
const BUDGET: usize = 32 * 1024 * 1024;
/// A page larger than this is answered but not kept.
pub(super) const LARGEST: usize = 1024 * 1024;

/// The pages kept in memory, by address and language.
pub struct PageCache {
    pub(super) life: Duration,
    pages: Mutex<Pages>,
}

#[derive(Default)]
struct Pages {
    by_address: HashMap<Address, Arc<Page>>,
    /// Addresses whose first copy one request is drawing: the others wait for it rather
    /// than all drawing the same page at once.
    drawing: HashMap<Address, Arc<Notify>>,
    /// The bytes of every kept page, plain and gzipped.
    bytes: usize,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub(super) struct Address {
    pub(super) language: Language,
    /// Path and query, as asked.
    pub(super) path: String,
}

/// One drawn page.
pub(super) struct Page {
    drawn: Instant,
    etag: HeaderValue,
    plain: Bytes,
    /// Kept pages are gzipped once; a page not kept is left to the compression layer.
    gzip: Option<Bytes>,
    /// Set while one request draws this page again.
    pub(super) redrawing: AtomicBool,
}

/// What a request found in memory.
pub(super) enum Found {
    /// A page to answer as it is.
    Page(Arc<Page>),
    /// Another request is drawing the address's first copy: wait until it is done.
    Wait(Arc<Notify>),
    /// Nothing usable: draw it, then release `claimed` (the old copy) if drawing fails.
    /// `first` when this request draws the first copy, for the others to wait on.
    Draw {
        claimed: Option<Arc<Page>>,
        first: Option<FirstDrawing>,
    },
}

/// The request drawing an address's first copy. However it ends (kept, refused, or the
/// client gone mid-way), the requests waiting for it are woken to look again.
pub(super) struct FirstDrawing {
    cache: Arc<PageCache>,
    address: Address,
    done: Arc<Notify>,
}

impl Drop for FirstDrawing {
    fn drop(&mut self) {
        let mut pages = self.cache.pages();
        if pages
            .drawing
            .get(&self.address)
            .is_some_and(|done| Arc::ptr_eq(done, &self.done))
        {
            pages.drawing.remove(&self.address);
        }
        drop(pages);
        self.done.notify_waiters();
    }
}

impl PageCache {
    /// Pages kept for `life`; zero keeps none (each is drawn for its request, and still
    /// goes out with the shared-cache headers).
    pub fn new(life: Duration) -> PageCache {
        PageCache {
            life,
            pages: Mutex::new(Pages::default()),
        }
    }

    fn pages(&self) -> MutexGuard<'_, Pages> {
        // A panic while holding the lock leaves a map that is still whole.
        self.pages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What is in memory for `address`. A request that has `waited` once draws the page
    /// itself rather than wait again (the first drawing failed, or the page is not kept).
    pub(super) fn find(self: &Arc<Self>, address: &Address, waited: bool) -> Found {
        let mut pages = self.pages();
        let Some(page) = pages.by_address.get(address).cloned() else {
            if waited {
                return Found::Draw {
                    claimed: None,
                    first: None,
                };
            }
            if let Some(done) = pages.drawing.get(address) {
                return Found::Wait(done.clone());
            }
            let done = Arc::new(Notify::new());
            pages.drawing.insert(address.clone(), done.clone());
            let first = FirstDrawing {
                cache: self.clone(),
                address: address.clone(),
                done,
            };
            return Found::Draw {
                claimed: None,
                first: Some(first),
            };
        };
        drop(pages);
        let age = page.drawn.elapsed();
        if age < self.life {
            metrics::counter!("tomar_page_cache_total", "outcome" => "hit").increment(1);
            return Found::Page(page);
        }
        let claimed = page
            .redrawing
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if !claimed && age < self.life + STALE_FOR {
            metrics::counter!("tomar_page_cache_total", "outcome" => "stale").increment(1);
            return Found::Page(page);
        }
        Found::Draw {
            claimed: claimed.then_some(page),
            first: None,
        }
    }

    /// Waits, at most [`STALE_FOR`], for the drawing of `address`'s first copy that `done`
    /// announces, unless it ended already.
    pub(super) async fn wait_for(&self, address: &Address, done: &Notify) {
        let notified = done.notified();
        tokio::pin!(notified);
        // Listening before looking: a drawing that ends after the look wakes this one.
        notified.as_mut().enable();
        let still_drawing = self
            .pages()
            .drawing
            .get(address)
            .is_some_and(|drawing| std::ptr::eq(Arc::as_ptr(drawing), done));
        if still_drawing {
            let _ = tokio::time::timeout(STALE_FOR, notified).await;
        }
    }

    /// Keeps `page` at `address` if it fits: it replaces the address's old copy, then takes
    /// the room of pages long past their life, never that of a page still in use.
    pub(super) fn keep(&self, address: Address, page: Arc<Page>) {
        let size = page.size();
        let mut pages = self.pages();
        if let Some(old) = pages.by_address.remove(&address) {
            pages.bytes -= old.size();
        }
        if pages.bytes + size > BUDGET {
            let dead = self.life + STALE_FOR;
            pages
                .by_address
                .retain(|_, page| page.drawn.elapsed() < dead);
            pages.bytes = pages.by_address.values().map(|page| page.size()).sum();
        }
        if pages.bytes + size <= BUDGET {
            pages.bytes += size;
            pages.by_address.insert(address, page);
        }
    }
}

impl Page {
    pub(super) fn new(plain: Bytes, gzip: bool) -> Page {
        let etag = format!("W/\"{}\"", &hex(&sha256(&plain))[..20]);
        Page {
            drawn: Instant::now(),
            etag: HeaderValue::from_str(&etag).expect("hex digits in quotes"),
            gzip: gzip.then(|| gzipped(&plain)),
            plain,
            redrawing: AtomicBool::new(false),
        }
    }

    fn size(&self) -> usize {
        self.plain.len() + self.gzip.as_ref().map_or(0, Bytes::len)
    }

    /// The answer to a request with `headers`: "not modified" to one that has this copy,
    /// else the page, gzipped for a client that takes gzip when there is a gzipped copy.
    pub(super) fn answer(&self, headers: &HeaderMap) -> Response {
        let shared = [
            (CACHE_CONTROL, HeaderValue::from_static(SHARED)),
            (VARY, HeaderValue::from_static(VARIES_WITH)),
            (ETAG, self.etag.clone()),
        ];
        let tag = self.etag.to_str().expect("an ASCII tag");
        if has_copy(headers, tag) {
            return (StatusCode::NOT_MODIFIED, shared).into_response();
        }
        let html = [(CONTENT_TYPE, HeaderValue::from_static(HTML))];
        match &self.gzip {
            Some(gzip) if takes_gzip(headers) => {
                let gzip_encoding = [(CONTENT_ENCODING, HeaderValue::from_static("gzip"))];
                (shared, html, gzip_encoding, Body::from(gzip.clone())).into_response()
            }
            _ => (shared, html, Body::from(self.plain.clone())).into_response(),
        }
    }
}

fn gzipped(plain: &[u8]) -> Bytes {
    let mut encoder = GzEncoder::new(Vec::with_capacity(plain.len() / 4), Compression::best());
    encoder
        .write_all(plain)
        .and_then(|()| encoder.finish())
        .map(Bytes::from)
        .expect("gzip into memory cannot fail")
}

/// Whether the client already holds the copy tagged `tag` (`If-None-Match`, weakly
/// compared: the same page goes out gzipped or not).
pub fn has_copy(headers: &HeaderMap, tag: &str) -> bool {
    let tag = tag.trim_start_matches("W/");
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|given| given.trim().trim_start_matches("W/"))
        .any(|given| given == tag || given == "*")
}

fn takes_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let named = parts.next().is_some_and(|name| name == "gzip");
            // `gzip;q=0` refuses it.
            named && !parts.any(|param| param.replace(' ', "") == "q=0")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    axum::http::HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn a_tag_matches_weakly_in_a_list_or_as_a_star() {
        let tag = "W/\"abc\"";
        assert!(has_copy(&headers(&[("if-none-match", "\"abc\"")]), tag));
        assert!(has_copy(
            &headers(&[("if-none-match", "W/\"x\", W/\"abc\"")]),
            tag
        ));
        assert!(has_copy(&headers(&[("if-none-match", "*")]), tag));
        assert!(!has_copy(&headers(&[("if-none-match", "W/\"abd\"")]), tag));
        assert!(!has_copy(&headers(&[]), tag));
    }

    #[test]
    fn gzip_is_sent_only_to_a_client_that_takes_it() {
        assert!(takes_gzip(&headers(&[("accept-encoding", "gzip, br")])));
        assert!(takes_gzip(&headers(&[(
            "accept-encoding",
            "br;q=1, gzip;q=0.5"
        )])));
        assert!(!takes_gzip(&headers(&[("accept-encoding", "gzip;q=0")])));
        assert!(!takes_gzip(&headers(&[("accept-encoding", "identity")])));
        assert!(!takes_gzip(&headers(&[])));
    }

    fn campaign_page(language: Language) -> Address {
        Address {
            language,
            path: "/clean-river".into(),
        }
    }

    #[test]
    fn a_page_is_answered_while_alive_then_redrawn_by_one_request_while_others_get_the_copy() {
        let cache = Arc::new(PageCache::new(Duration::from_millis(50)));
        let address = campaign_page(Language::Fa);
        let Found::Draw { first, .. } = cache.find(&address, false) else {
            panic!("nothing to answer yet");
        };
        cache.keep(
            address.clone(),
            Arc::new(Page::new(Bytes::from("<p>۱</p>"), true)),
        );
        drop(first);
        assert!(matches!(cache.find(&address, false), Found::Page(_)));
        std::thread::sleep(Duration::from_millis(60));
        assert!(matches!(
            cache.find(&address, false),
            Found::Draw {
                claimed: Some(_),
                first: None
            }
        ));
        assert!(
            matches!(cache.find(&address, false), Found::Page(_)),
            "while one redraws it, the others get the old copy"
        );
        assert!(matches!(
            cache.find(&campaign_page(Language::En), false),
            Found::Draw {
                claimed: None,
                first: Some(_)
            }
        ));
    }

    #[tokio::test]
    async fn while_one_request_draws_a_first_copy_the_others_wait_for_it() {
        let cache = Arc::new(PageCache::new(Duration::from_secs(60)));
        let address = campaign_page(Language::Fa);
        let Found::Draw { first, .. } = cache.find(&address, false) else {
            panic!("nothing to answer yet");
        };
        let Found::Wait(done) = cache.find(&address, false) else {
            panic!("a second request waits for the first");
        };
        let waiting = {
            let (cache, address) = (cache.clone(), address.clone());
            tokio::spawn(async move {
                cache.wait_for(&address, &done).await;
                cache.find(&address, true)
            })
        };
        tokio::task::yield_now().await;
        cache.keep(
            address.clone(),
            Arc::new(Page::new(Bytes::from("<p>۱</p>"), true)),
        );
        drop(first);
        let found = tokio::time::timeout(Duration::from_secs(5), waiting).await;
        assert!(
            matches!(found, Ok(Ok(Found::Page(_)))),
            "woken when the copy is kept, before the wait's limit"
        );
    }

    #[test]
    fn a_first_drawing_that_ends_without_a_page_lets_the_next_request_draw() {
        let cache = Arc::new(PageCache::new(Duration::from_secs(60)));
        let address = campaign_page(Language::Fa);
        let first = cache.find(&address, false);
        assert!(matches!(cache.find(&address, false), Found::Wait(_)));
        drop(first);
        assert!(
            matches!(
                cache.find(&address, false),
                Found::Draw { first: Some(_), .. }
            ),
            "no one draws it any more: this request does"
        );
        assert!(
            matches!(cache.find(&address, true), Found::Draw { first: None, .. }),
            "one that waited once draws without making others wait"
        );
    }

    #[test]
    fn the_budget_is_kept_and_a_replaced_page_gives_back_its_room() {
        let cache = Arc::new(PageCache::new(Duration::from_secs(60)));
        let page = || Arc::new(Page::new(Bytes::from(vec![b'x'; LARGEST]), false));
        let at = |n: usize| Address {
            language: Language::Fa,
            path: format!("/campaigns?page={n}"),
        };
        let room = BUDGET / LARGEST;
        for n in 0..room + 5 {
            cache.keep(at(n), page());
        }
        assert_eq!(cache.pages().by_address.len(), room, "no more than fits");
        assert!(matches!(cache.find(&at(room), false), Found::Draw { .. }));
        cache.keep(at(0), page());
        assert_eq!(
            cache.pages().bytes,
            room * LARGEST,
            "replacing takes no more room"
        );
    }

    #[test]
    fn a_kept_page_answers_gzip_or_plain_and_not_modified_to_its_tag() {
        let page = Page::new(Bytes::from("<p>سلام</p>".repeat(50)), true);
        let plain = page.answer(&headers(&[]));
        assert_eq!(plain.headers()[CACHE_CONTROL], SHARED);
        assert!(plain.headers().get(CONTENT_ENCODING).is_none());
        let gzip = page.answer(&headers(&[("accept-encoding", "gzip")]));
        assert_eq!(gzip.headers()[CONTENT_ENCODING], "gzip");
        let tag = page.etag.to_str().unwrap().to_owned();
        let mut asked = HeaderMap::new();
        asked.insert(IF_NONE_MATCH, HeaderValue::from_str(&tag).unwrap());
        let unchanged = page.answer(&asked);
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(unchanged.headers()[ETAG], tag.as_str());
    }
}

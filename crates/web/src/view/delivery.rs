//! The delivery package as it reads: each signer's cells, shared by the spreadsheet and the
//! PDF, and the PDF's letter (exactly as published), the platform's statement, how to check
//! the count, and the list of signers.

use jiff::Timestamp;
use tomar_core::body::Block;
use tomar_core::calendar::{iran_date, solar_hijri_numeric};
use tomar_core::campaign::Campaign;
use tomar_core::questions::Questions;
use tomar_core::signature::Signature;
use tomar_core::tally::Tally;
use tomar_package::{Direction, Package, Style};

use crate::view::i18n::Tr;
use crate::view::letter::Preview;

/// One signer as the package lists them: the number they signed as, their name if they
/// showed it, and the day they signed in Iran, in both calendars. Digits are ASCII, as a
/// spreadsheet reads them.
pub struct SignerCells {
    pub number: String,
    pub name: String,
    pub solar_hijri: String,
    pub gregorian: String,
    pub hidden: bool,
}

impl SignerCells {
    pub fn of(signature: &Signature, tr: Tr) -> SignerCells {
        let day = iran_date(signature.confirmed_at.unwrap_or(signature.created_at));
        let name = signature.public_name();
        SignerCells {
            number: signature.sequence.to_string(),
            name: name.map_or_else(|| tr.t("delivery.hidden"), ToString::to_string),
            solar_hijri: solar_hijri_numeric(day),
            gregorian: day.to_string(),
            hidden: name.is_none(),
        }
    }
}

/// One PDF of a campaign's package: the signatures numbered `first` to `last`, the
/// `number`th of `of`. A package is cut in volumes so that what one PDF holds while it is
/// written (the PDF so far, a page of names) stays bounded however many signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Volume {
    pub number: u64,
    pub of: u64,
    pub first: u64,
    pub last: u64,
}

impl Volume {
    /// The volumes of a package whose last signature number is `last_number`, `per_volume`
    /// numbers each: one, if few or none signed.
    pub fn all(last_number: u64, per_volume: u64) -> Vec<Volume> {
        let per_volume = per_volume.max(1);
        let of = last_number.div_ceil(per_volume).max(1);
        (1..=of)
            .map(|number| Volume {
                number,
                of,
                first: (number - 1) * per_volume + 1,
                last: number * per_volume,
            })
            .collect()
    }

    pub fn is_last(&self) -> bool {
        self.number == self.of
    }
}

/// The links to a package's PDF, one a volume, under `base` (the campaign's address for its
/// author or for moderators): each its address and what it says.
pub fn pdf_links(base: &str, volumes: &[Volume], tr: Tr) -> Vec<(String, String)> {
    if let [_] = volumes {
        return vec![(
            format!("{base}/delivery.pdf"),
            tr.t("delivery.download_pdf"),
        )];
    }
    volumes
        .iter()
        .map(|volume| {
            let label = tr.with(
                "delivery.download_volume",
                &[
                    ("number", &tr.number(volume.number)),
                    ("first", &tr.count(volume.first)),
                    ("last", &tr.count(volume.last)),
                ],
            );
            let href = format!("{base}/delivery.pdf?volume={}", volume.number);
            (href, label)
        })
        .collect()
}

/// What a reader needs to check the count without trusting Tomar.
pub struct CountCheck {
    /// Where people reach this Tomar, which made the package.
    pub site: String,
    /// The campaign's public log.
    pub log_url: String,
    /// Its latest signed checkpoint, as served.
    pub checkpoint: String,
    /// The command that recounts the log against the checkpoint's key.
    pub command: String,
}

/// The PDF package while its list is being written.
pub struct PdfPackage {
    package: Package,
    tr: Tr,
    listed: u64,
    hidden: u64,
}

impl PdfPackage {
    /// The letter, the statement and the check, then the head of the signers' table.
    pub fn new(
        campaign: &Campaign,
        volume: &Volume,
        tr: Tr,
        check: &CountCheck,
        made: Timestamp,
    ) -> PdfPackage {
        let direction = match tr.dir() {
            "rtl" => Direction::RightToLeft,
            _ => Direction::LeftToRight,
        };
        let title = campaign.text.title.to_string();
        let mut package = Package::new(direction, &title, tr.code(), move |page| {
            tr.with("delivery.page", &[("page", &tr.number(page))])
        });
        let letter = Preview::of(campaign.kind, &campaign.text, campaign.end_date, tr);
        package.text(Style::Small, &letter.kind);
        package.text(Style::Title, &letter.title);
        if volume.of > 1 {
            let line = tr.with(
                "delivery.volume",
                &[
                    ("number", &tr.number(volume.number)),
                    ("of", &tr.number(volume.of)),
                    ("first", &tr.count(volume.first)),
                    ("last", &tr.count(volume.last)),
                ],
            );
            package.text(Style::Heading, &line);
        }
        if let Some(invocation) = &letter.invocation {
            package.text(Style::Body, invocation);
        }
        package.text(Style::Small, &tr.t("delivery.addressed_to"));
        for (name, position) in &letter.addressees {
            package.text(Style::Heading, name);
            package.text(Style::Body, position);
        }
        for block in &letter.blocks {
            match block {
                Block::Paragraph(text) => package.text(Style::Body, text),
                Block::Bullets(items) => {
                    for item in items {
                        package.text(Style::Bullet, &format!("• {item}"));
                    }
                }
            }
        }
        let signed = format!(
            "{}: {} · {}: {}",
            tr.t("campaign.on_behalf_of"),
            letter.on_behalf_of,
            tr.t("campaign.author"),
            letter.author_name
        );
        package.text(Style::Body, &signed);
        package.text(Style::Body, &format!("#{}", letter.hashtag));

        package.text(Style::Heading, &tr.t("delivery.statement_title"));
        let version = tr.number(campaign.text_version);
        package.text(
            Style::Body,
            &tr.with("delivery.reviewed", &[("version", &version)]),
        );
        let (start, end) = (tr.date(campaign.start_date), tr.date(campaign.end_date));
        let dates = tr.with("delivery.dates", &[("start", &start), ("end", &end)]);
        package.text(Style::Body, &dates);
        let count = tr.count(campaign.signature_count);
        package.text(
            Style::Body,
            &tr.with("delivery.count", &[("count", &count)]),
        );
        package.text(Style::Body, &tr.t("delivery.hidden_note"));
        let at = tr.instant(made);
        let made = tr.with("delivery.made", &[("at", &at), ("url", &check.site)]);
        package.text(Style::Small, &made);

        package.text(Style::Heading, &tr.t("delivery.verify_title"));
        let log = tr.with("delivery.verify_log", &[("url", &check.log_url)]);
        package.text(Style::Body, &log);
        for line in check.checkpoint.lines().filter(|line| !line.is_empty()) {
            package.text(Style::Code, line);
        }
        package.text(Style::Body, &tr.t("delivery.verify_command"));
        package.text(Style::Code, &check.command);

        package.table([
            tr.t("delivery.number"),
            tr.t("delivery.name"),
            tr.t("delivery.date_solar_hijri"),
        ]);
        PdfPackage {
            package,
            tr,
            listed: 0,
            hidden: 0,
        }
    }

    /// The next signers, in number order.
    pub fn add(&mut self, signatures: &[Signature]) {
        for signature in signatures {
            let cells = SignerCells::of(signature, self.tr);
            self.listed += 1;
            self.hidden += u64::from(cells.hidden);
            self.package.row(
                &self.tr.digits(&cells.number),
                &cells.name,
                &self.tr.digits(&cells.solar_hijri),
            );
        }
    }

    /// After the list: how many signers took each choice of the campaign's questions of
    /// choices (who took which stays in the spreadsheet).
    pub fn answered(&mut self, questions: &Questions, tally: &Tally) {
        let tr = self.tr;
        self.package
            .text(Style::Heading, &tr.t("delivery.answers_title"));
        let mut asked = None;
        for (place, choice, count) in tally.counts() {
            let Some(question) = questions.all().get(place) else {
                continue;
            };
            if asked != Some(place) {
                let label = question.wording.in_language(tr.language);
                self.package.text(Style::Body, label.as_ref());
                asked = Some(place);
            }
            if let Some(wording) = question.asks.choices().get(choice) {
                let line = format!(
                    "• {}: {}",
                    wording.in_language(tr.language),
                    tr.count(count)
                );
                self.package.text(Style::Bullet, &line);
            }
        }
    }

    /// How many signers are listed so far.
    pub fn listed(&self) -> u64 {
        self.listed
    }

    /// The finished PDF, closed by the list's own count.
    pub fn finish(mut self) -> Vec<u8> {
        let (listed, hidden) = (self.tr.count(self.listed), self.tr.count(self.hidden));
        let closing = self.tr.with(
            "delivery.listed",
            &[("listed", &listed), ("hidden", &hidden)],
        );
        self.package.text(Style::Body, &closing);
        self.package.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_package_is_cut_in_volumes_of_numbers() {
        let one = |number, of, first, last| Volume {
            number,
            of,
            first,
            last,
        };
        assert_eq!(Volume::all(0, 50_000), [one(1, 1, 1, 50_000)]);
        assert_eq!(Volume::all(50_000, 50_000), [one(1, 1, 1, 50_000)]);
        assert_eq!(
            Volume::all(50_001, 50_000),
            [one(1, 2, 1, 50_000), one(2, 2, 50_001, 100_000)]
        );
        assert_eq!(Volume::all(3, 0), Volume::all(3, 1));
        assert_eq!(Volume::all(3, 1).len(), 3);
    }
}

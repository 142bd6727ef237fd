//! Who the client is: the TCP peer, unless the peer is a proxy the operator trusts
//! (`--trusted-proxy`), whose `X-Forwarded-For` then names it. Limits count per client
//! network, so behind a load balancer without this everyone would share one budget, and
//! believing the header from anyone would let a client choose its own.

use std::net::IpAddr;
use std::sync::Arc;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The networks of the trusted proxies; empty trusts none.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    /// Parses addresses (`10.0.0.1`) and networks (`10.0.0.0/8`); answers the first that
    /// is neither.
    pub fn parse(entries: &[String]) -> Result<TrustedProxies, String> {
        entries
            .iter()
            .map(|entry| {
                let entry = entry.trim();
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| entry.to_owned())
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|nets| TrustedProxies(nets.into()))
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client behind `peer`: from a trusted peer, the last address in
    /// `X-Forwarded-For` that is not itself a trusted proxy (each proxy appends the
    /// address it heard from, so only the right end is vouched for); else the peer.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            let Ok(address) = hop.parse::<IpAddr>() else {
                // Garbage in the chain: nothing to its left can be believed.
                break;
            };
            client = canonical(address);
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// IPv4 addresses that arrive mapped into IPv6 (`::ffff:10.0.0.1`) as IPv4.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", value.parse().unwrap());
        }
        headers
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_peer_is_believed() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8".into(), "192.0.2.7".into()]).unwrap();
        let headers = forwarded(&["203.0.113.9"]);
        assert_eq!(proxies.client(ip("10.1.2.3"), &headers), ip("203.0.113.9"));
        assert_eq!(proxies.client(ip("192.0.2.7"), &headers), ip("203.0.113.9"));
        assert_eq!(
            proxies.client(ip("198.51.100.1"), &headers),
            ip("198.51.100.1"),
            "anyone else's header is ignored"
        );
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("10.1.2.3"), &headers), ip("10.1.2.3"));
    }

    #[test]
    fn the_chain_is_read_from_the_right_past_trusted_hops() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8".into()]).unwrap();
        // The client forged the first entry; the proxies appended the rest.
        let headers = forwarded(&["1.2.3.4, 203.0.113.9", "10.0.0.5"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &headers), ip("203.0.113.9"));
        let garbage = forwarded(&["203.0.113.9, not-an-address, 10.0.0.5"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &garbage), ip("10.0.0.5"));
        let missing = HeaderMap::new();
        assert_eq!(proxies.client(ip("10.0.0.1"), &missing), ip("10.0.0.1"));
        let mapped = forwarded(&["::ffff:203.0.113.9"]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &mapped), ip("203.0.113.9"));
    }

    #[test]
    fn bad_entries_are_named() {
        assert_eq!(
            TrustedProxies::parse(&["10.0.0.0/8".into(), "proxy.internal".into()]).unwrap_err(),
            "proxy.internal"
        );
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()]).is_err());
    }
}

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{HeaderName, Request};
use ipnet::IpNet;

/// The client's IP: the peer address, or, when the peer is a trusted proxy, the address in
/// `client_ip_header` (e.g. `CloudFront-Viewer-Address`) if that is set and readable, else the
/// nearest address in `X-Forwarded-For` that is not one of the trusted proxies. A client's own
/// headers are believed only when they arrive through a trusted proxy, which replaces them.
pub fn client_ip<B>(
    request: &Request<B>,
    trusted_proxies: &[IpNet],
    client_ip_header: Option<&HeaderName>,
) -> Option<IpAddr> {
    let trusted = |ip: &IpAddr| trusted_proxies.iter().any(|proxy| proxy.contains(ip));
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())?;
    if !trusted(&peer) {
        return Some(peer);
    }
    if let Some(address) = client_ip_header
        .and_then(|name| request.headers().get(name))
        .and_then(|value| value.to_str().ok())
        .and_then(address_in_header)
    {
        return Some(address);
    }
    let forwarded = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted(ip))
            .unwrap_or(peer),
    )
}

/// The address in a header such as `CloudFront-Viewer-Address`, which adds the port:
/// `198.51.100.10:46532`, `[2001:db8::1]:46532` or `2001:db8::1:46532`; a bare address is read too.
fn address_in_header(value: &str) -> Option<IpAddr> {
    let value = value.trim();
    value
        .parse::<SocketAddr>()
        .map(|address| address.ip())
        .ok()
        .or_else(|| {
            value
                .rsplit_once(':')
                .and_then(|(address, _port)| address.parse().ok())
        })
        .or_else(|| value.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer_header() -> HeaderName {
        HeaderName::from_static("cloudfront-viewer-address")
    }

    #[test]
    fn a_trusted_proxy_may_name_the_client_in_a_header_of_its_own() {
        let balancers: IpNet = "10.0.0.0/8".parse().unwrap();
        for (value, expected) in [
            ("198.51.100.10:46532", "198.51.100.10"),
            ("[2001:db8::7]:46532", "2001:db8::7"),
            ("2001:db8::7:46532", "2001:db8::7"),
            ("203.0.113.4", "203.0.113.4"),
        ] {
            let mut request = request("10.0.3.17", Some("192.0.2.99"));
            request
                .headers_mut()
                .insert(viewer_header(), value.parse().unwrap());
            let ip = client_ip(&request, &[balancers], Some(&viewer_header()));
            assert_eq!(ip, Some(expected.parse().unwrap()), "{value}");
        }
    }

    #[test]
    fn the_client_header_is_ignored_from_an_untrusted_peer_or_when_unreadable() {
        let mut forged = request("203.0.113.9", None);
        forged
            .headers_mut()
            .insert(viewer_header(), "198.51.100.10:1".parse().unwrap());
        let ip = client_ip(&forged, &[], Some(&viewer_header()));
        assert_eq!(ip, Some("203.0.113.9".parse().unwrap()));

        let balancers: IpNet = "10.0.0.0/8".parse().unwrap();
        let mut unreadable = request("10.0.3.17", Some("198.51.100.7"));
        unreadable
            .headers_mut()
            .insert(viewer_header(), "nonsense".parse().unwrap());
        let ip = client_ip(&unreadable, &[balancers], Some(&viewer_header()));
        assert_eq!(ip, Some("198.51.100.7".parse().unwrap()));
    }

    fn request(peer: &str, forwarded: Option<&str>) -> Request<()> {
        let mut builder = Request::builder();
        if let Some(value) = forwarded {
            builder = builder.header("x-forwarded-for", value);
        }
        let mut request = builder.body(()).unwrap();
        let peer: SocketAddr = format!("{peer}:4000").parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(peer));
        request
    }

    #[test]
    fn forwarded_header_is_ignored_from_an_untrusted_peer() {
        let ip = client_ip(&request("203.0.113.9", Some("198.51.100.1")), &[], None);
        assert_eq!(ip, Some("203.0.113.9".parse().unwrap()));
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let proxy: IpNet = "127.0.0.1/32".parse().unwrap();
        let ip = client_ip(
            &request("127.0.0.1", Some("1.2.3.4, 198.51.100.1")),
            &[proxy],
            None,
        );
        assert_eq!(ip, Some("198.51.100.1".parse().unwrap()));
    }

    #[test]
    fn a_client_cannot_hide_behind_a_forged_entry() {
        let proxy: IpNet = "127.0.0.1/32".parse().unwrap();
        let ip = client_ip(
            &request("127.0.0.1", Some("127.0.0.1, 198.51.100.7")),
            &[proxy],
            None,
        );
        assert_eq!(ip, Some("198.51.100.7".parse().unwrap()));
    }

    #[test]
    fn proxies_may_be_a_network() {
        let balancers: IpNet = "10.0.0.0/16".parse().unwrap();
        let ip = client_ip(
            &request("10.0.3.17", Some("198.51.100.7, 10.0.9.4")),
            &[balancers],
            None,
        );
        assert_eq!(ip, Some("198.51.100.7".parse().unwrap()));
    }
}

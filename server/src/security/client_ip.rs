use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::Request;
use ipnet::IpNet;

/// The client's IP: the peer address, or, when the peer is a trusted proxy, the nearest address in
/// `X-Forwarded-For` that is not one of the trusted proxies.
pub fn client_ip<B>(request: &Request<B>, trusted_proxies: &[IpNet]) -> Option<IpAddr> {
    let trusted = |ip: &IpAddr| trusted_proxies.iter().any(|proxy| proxy.contains(ip));
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())?;
    if !trusted(&peer) {
        return Some(peer);
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let ip = client_ip(&request("203.0.113.9", Some("198.51.100.1")), &[]);
        assert_eq!(ip, Some("203.0.113.9".parse().unwrap()));
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let proxy: IpNet = "127.0.0.1/32".parse().unwrap();
        let ip = client_ip(
            &request("127.0.0.1", Some("1.2.3.4, 198.51.100.1")),
            &[proxy],
        );
        assert_eq!(ip, Some("198.51.100.1".parse().unwrap()));
    }

    #[test]
    fn a_client_cannot_hide_behind_a_forged_entry() {
        let proxy: IpNet = "127.0.0.1/32".parse().unwrap();
        let ip = client_ip(
            &request("127.0.0.1", Some("127.0.0.1, 198.51.100.7")),
            &[proxy],
        );
        assert_eq!(ip, Some("198.51.100.7".parse().unwrap()));
    }

    #[test]
    fn proxies_may_be_a_network() {
        let balancers: IpNet = "10.0.0.0/16".parse().unwrap();
        let ip = client_ip(
            &request("10.0.3.17", Some("198.51.100.7, 10.0.9.4")),
            &[balancers],
        );
        assert_eq!(ip, Some("198.51.100.7".parse().unwrap()));
    }
}

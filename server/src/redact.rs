//! URLs as they may appear in logs, run messages and notifications. Configured URLs can carry
//! secrets: a password in `smtps://user:password@host`, a token in a query string, or a webhook
//! whose path is itself the credential.

use reqwest::Url;

const UNREADABLE: &str = "(a URL that cannot be read)";

/// `url` without its user, password, query and fragment; the path stays, as it names the file.
pub fn without_secrets(url: &str) -> String {
    let Ok(mut url) = Url::parse(url) else {
        return UNREADABLE.to_owned();
    };
    url.set_username("").ok();
    url.set_password(None).ok();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

/// Only the scheme, host and port of `url`, for a webhook, whose path is its secret.
pub fn origin_only(url: &str) -> String {
    Url::parse(url).map_or_else(
        |_| UNREADABLE.to_owned(),
        |url| url.origin().ascii_serialization(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_queries_and_fragments_are_dropped_and_the_path_kept() {
        assert_eq!(
            without_secrets("https://ann:s3cret@data.example.org/pub/pr.csv?key=t0ken#top"),
            "https://data.example.org/pub/pr.csv"
        );
    }

    #[test]
    fn a_webhook_shows_only_where_it_goes() {
        assert_eq!(
            origin_only("https://hooks.example.org/services/T00/B00/XXXXSECRET?sig=abc"),
            "https://hooks.example.org"
        );
        assert_eq!(
            origin_only("http://127.0.0.1:8080/hook"),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn an_unreadable_url_is_not_repeated() {
        assert_eq!(without_secrets("not a url with s3cret"), UNREADABLE);
        assert_eq!(origin_only("::s3cret"), UNREADABLE);
    }
}

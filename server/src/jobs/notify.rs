//! Telling people how a run went, and that a stock is low: always in the log, and by webhook and
//! e-mail when configured. A notification that cannot be delivered is logged; it never fails the
//! run or the change that caused it.

use std::time::Duration;

use anyhow::Context;
use app::jobs::{RunStatus, RunSummary};
use app::stock::StockAlert;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;

use crate::config::JobsConfig;
use crate::redact::origin_only;

/// How long a webhook may take to answer.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct Notifier {
    client: reqwest::Client,
    webhook: Option<String>,
    mail: Option<Mail>,
}

#[derive(Clone)]
struct Mail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
}

impl Notifier {
    pub fn new(config: &JobsConfig) -> anyhow::Result<Self> {
        let client = crate::tls::http_client()
            .timeout(WEBHOOK_TIMEOUT)
            .build()
            .context("building the webhook client")?;
        Ok(Self {
            client,
            webhook: config.notify_webhook_url.clone(),
            mail: Mail::from_config(config)?,
        })
    }

    /// Reports `summary` everywhere configured.
    pub async fn send(&self, summary: &RunSummary) {
        if summary.status == RunStatus::Failed {
            tracing::error!(job = %summary.job, outcome = %summary.message, "job failed");
        } else {
            tracing::info!(job = %summary.job, status = summary.status.as_str(), rows_inserted = summary.rows_inserted, rows_updated = summary.rows_updated, outcome = %summary.message, "job changed data");
        }
        if let Some(url) = &self.webhook
            && let Err(error) = self.post(url, summary).await
        {
            tracing::warn!(job = %summary.job, error = format!("{error:#}"), "the notification webhook failed");
        }
        if let Some(mail) = &self.mail {
            let subject = format!(
                "[community hub] {} {}",
                summary.job,
                summary.status.as_str()
            );
            if let Err(error) = mail.send(subject, &summary.message, summary).await {
                tracing::warn!(job = %summary.job, error = format!("{error:#}"), "the notification e-mail failed");
            }
        }
    }

    /// Reports that a stock fell below its threshold, everywhere configured.
    pub async fn send_stock_alert(&self, alert: &StockAlert) {
        tracing::warn!(item = %alert.item, state = ?alert.state, outcome = %alert.message, "stock is low");
        if let Some(url) = &self.webhook
            && let Err(error) = self.post(url, alert).await
        {
            tracing::warn!(item = %alert.item, error = format!("{error:#}"), "the low-stock webhook failed");
        }
        if let Some(mail) = &self.mail {
            let subject = format!("[community hub] low stock: {}", alert.name);
            if let Err(error) = mail.send(subject, &alert.message, alert).await {
                tracing::warn!(item = %alert.item, error = format!("{error:#}"), "the low-stock e-mail failed");
            }
        }
    }

    /// Posts `body` as JSON to the webhook at `url`. Errors name only the webhook's host: its path
    /// and query are its credentials, and the client's own messages would repeat them.
    async fn post(&self, url: &str, body: &impl Serialize) -> anyhow::Result<()> {
        let shown = || format!("posting to {}", origin_only(url));
        self.client
            .post(url)
            .json(body)
            .send()
            .await
            .map_err(reqwest::Error::without_url)
            .with_context(shown)?
            .error_for_status()
            .map_err(reqwest::Error::without_url)
            .with_context(shown)?;
        Ok(())
    }
}

impl Mail {
    fn from_config(config: &JobsConfig) -> anyhow::Result<Option<Self>> {
        let Some(url) = config.smtp_url.as_deref() else {
            return Ok(None);
        };
        let from = config
            .notify_email_from
            .as_deref()
            .context("SMTP_URL is set, so NOTIFY_EMAIL_FROM must name the sender")?
            .parse()
            .context("NOTIFY_EMAIL_FROM is not an e-mail address")?;
        if config.notify_email_to.is_empty() {
            anyhow::bail!("SMTP_URL is set, so NOTIFY_EMAIL_TO must name the recipients");
        }
        let to = config
            .notify_email_to
            .iter()
            .map(|address| {
                address.trim().parse().with_context(|| {
                    format!("{address:?} in NOTIFY_EMAIL_TO is not an e-mail address")
                })
            })
            .collect::<anyhow::Result<_>>()?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("SMTP_URL is not a valid smtp:// or smtps:// URL")?
            .build();
        Ok(Some(Self {
            transport,
            from,
            to,
        }))
    }

    /// Mails `summary` in words, then `details` as JSON.
    async fn send(
        &self,
        subject: String,
        summary: &str,
        details: &impl Serialize,
    ) -> anyhow::Result<()> {
        let mut message = Message::builder()
            .from(self.from.clone())
            .subject(subject)
            .header(ContentType::TEXT_PLAIN);
        for recipient in &self.to {
            message = message.to(recipient.clone());
        }
        let body = format!("{summary}\n\n{}\n", serde_json::to_string_pretty(details)?);
        self.transport
            .send(message.body(body).context("composing the e-mail")?)
            .await
            .context("sending through SMTP")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A port on this machine that nothing listens on.
    fn closed_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    #[tokio::test]
    async fn a_failed_webhook_is_reported_without_its_secret_path_or_query() {
        let port = closed_port();
        let url = format!("http://127.0.0.1:{port}/services/T00/XXSECRETXX?sig=T0KEN");
        let notifier = Notifier::new(&JobsConfig {
            notify_webhook_url: Some(url.clone()),
            ..JobsConfig::default()
        })
        .unwrap();
        let summary = RunSummary::without_changes("covid-etl", RunStatus::Failed, "x".to_owned());
        let error = notifier.post(&url, &summary).await.unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
        assert!(
            !message.contains("SECRET") && !message.contains("T0KEN"),
            "{message}"
        );
    }
}

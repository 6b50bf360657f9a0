//! Telling people how a run went: always in the log, and by webhook and e-mail when configured.
//! A notification that cannot be delivered is logged; it never fails the run.

use std::time::Duration;

use anyhow::Context;
use app::jobs::{RunStatus, RunSummary};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::JobsConfig;

/// How long a webhook may take to answer.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Notifier {
    client: reqwest::Client,
    webhook: Option<String>,
    mail: Option<Mail>,
}

struct Mail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    to: Vec<Mailbox>,
}

impl Notifier {
    pub fn new(config: &JobsConfig) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
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
        if let Some(mail) = &self.mail
            && let Err(error) = mail.send(summary).await
        {
            tracing::warn!(job = %summary.job, error = format!("{error:#}"), "the notification e-mail failed");
        }
    }

    async fn post(&self, url: &str, summary: &RunSummary) -> anyhow::Result<()> {
        self.client
            .post(url)
            .json(summary)
            .send()
            .await
            .with_context(|| format!("posting to {url}"))?
            .error_for_status()
            .with_context(|| format!("posting to {url}"))?;
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

    async fn send(&self, summary: &RunSummary) -> anyhow::Result<()> {
        let mut message = Message::builder()
            .from(self.from.clone())
            .subject(format!(
                "[community hub] {} {}",
                summary.job,
                summary.status.as_str()
            ))
            .header(ContentType::TEXT_PLAIN);
        for recipient in &self.to {
            message = message.to(recipient.clone());
        }
        let body = format!(
            "{}\n\n{}\n",
            summary.message,
            serde_json::to_string_pretty(summary)?
        );
        self.transport
            .send(message.body(body).context("composing the e-mail")?)
            .await
            .context("sending through SMTP")?;
        Ok(())
    }
}

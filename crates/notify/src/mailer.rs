//! SMTP delivery with lettre, configured by one URL (`AUDITOR_SMTP_URL`):
//! `smtp://host:port` (plain, for a relay on the local network), `smtp://host:587?tls=required`
//! (STARTTLS), `smtps://host:465` (TLS), with `user:password@` for credentials.

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::template::Rendered;

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("SMTP 地址无效 / invalid SMTP URL: {0}")]
    Url(String),
    #[error("发件人地址无效 / invalid sender address \"{0}\"")]
    From(String),
    #[error("收件人地址无效 / invalid recipient address \"{0}\"")]
    To(String),
    #[error("无法生成邮件 / cannot build the message: {0}")]
    Build(String),
    #[error("发送失败 / sending failed: {0}")]
    Send(String),
}

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// A mailer for `url`, sending as `from` (`auditor@example.cn` or `名称 <auditor@…>`).
    pub fn from_url(url: &str, from: &str) -> Result<Self, MailerError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailerError::Url(e.to_string()))?
            // A dead server should fail the attempt quickly; the outbox retries later.
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|_| MailerError::From(from.to_owned()))?;
        Ok(Self { transport, from })
    }

    /// The message for `to`: multipart/alternative with the text part first, then HTML.
    pub fn message(&self, to: &[String], mail: &Rendered) -> Result<Message, MailerError> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(mail.subject.clone());
        for address in to {
            let mailbox = address
                .parse::<Mailbox>()
                .map_err(|_| MailerError::To(address.clone()))?;
            builder = builder.to(mailbox);
        }
        builder
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        lettre::message::SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(mail.text.clone()),
                    )
                    .singlepart(
                        lettre::message::SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(mail.html.clone()),
                    ),
            )
            .map_err(|e| MailerError::Build(e.to_string()))
    }

    pub async fn send(&self, message: Message) -> Result<(), MailerError> {
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| MailerError::Send(e.to_string()))
    }
}

//! Email for inspection teams (DESIGN.md §8): the digest templates in Chinese and English
//! (HTML with a plain-text part), the SMTP mailer, and the drain that sends the outbox with
//! retries and backoff. What goes into a digest is decided by the store when it queues it;
//! this crate only renders and delivers.

pub mod drain;
pub mod mailer;
pub mod template;

pub use drain::{DrainReport, RetryPolicy, drain_once};
pub use mailer::{Mailer, MailerError};
pub use template::{Rendered, render};

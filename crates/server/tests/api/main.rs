//! The JSON API and the web pages against a real store, on SQLite and on PostgreSQL: every scenario runs on both.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

mod common;

mod access;
mod auth;
mod cross_ledger;
mod licences;
mod lifecycle;
mod notify;
mod registries;
mod schema;
mod smtp;
mod tallies;
mod uploads;
mod waivers;
mod web;

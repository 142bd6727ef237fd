//! Tomar's domain. Values here are valid by construction: they are built by parsing,
//! once, at the edge, and everything after trusts them. Nothing here does IO.

pub mod body;
pub mod calendar;
pub mod campaign;
pub mod comment;
pub mod contact;
pub mod extension;
pub mod growth;
pub mod hash;
pub mod ids;
pub mod image;
pub mod language;
pub mod lifecycle;
pub mod links;
pub mod listing;
pub mod member;
pub mod message;
pub mod moderation;
mod named;
pub mod names;
pub mod news;
pub mod note;
pub mod persian;
pub mod questions;
pub mod receipt;
pub mod response;
pub mod search;
pub mod secret;
pub mod session;
pub mod signature;
pub mod signature_log;
pub mod suggestions;
pub mod tally;
pub mod tlog;
pub mod update;
pub mod verification;

pub use jiff::civil::Date;
pub use jiff::{SignedDuration, Timestamp};

//! The `tomar` binary's library half: configuration, start-up and demo content, so that
//! tests start Tomar exactly as `tomar serve` does.

pub mod config;
pub mod demo;
pub mod generated_secret;
pub mod server;
pub mod startup;
pub mod upkeep;
pub mod verify;

//! Tomar as its users meet it, in one test binary: started exactly as `tomar serve` starts
//! it (`support::TestApp`), over HTTP, in a browser, and as the `tomar` command. One binary,
//! so the suite links once.

mod accessibility;
mod admin;
mod api;
mod at_rest;
mod authoring;
mod browser;
mod channel;
mod cli;
mod connections;
mod delivery;
mod discovery;
mod discussion;
mod durability;
mod forgery;
mod growth;
mod http;
mod inquiry;
mod layout;
mod limits;
mod live;
mod members;
mod merging;
mod metrics;
mod moderation;
mod pictures;
mod privacy;
mod public_pages;
mod questions;
mod reading;
mod receipts;
mod responses;
mod signing;
mod support;
mod transparency;
mod webdriver;

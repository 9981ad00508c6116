//! End-to-end tests of the HTTP interface, each run on SQLite and on PostgreSQL.

mod accounts;
mod admin_pages;
mod catalog;
mod citizen_accounts;
mod helpers;
mod json_api;
mod month;
mod open311_errors;
mod open311_post;
mod open311_read;
mod open_data;
mod ops;
mod pages;
mod privacy;
mod quality;
mod staff_pages;
mod workflow;

//! One integration-test crate, so the suite links once. Each module tests one command or concern.

mod support;

mod add;
mod add_builds;
mod backends;
mod build;
mod catalogue;
mod check;
mod dev;
mod devtools;
mod frontend;
mod layers;
mod load;
mod new;
mod package;
mod prompts;
mod properties;
mod release;
mod snapshots;
mod update;
mod update_merge;
mod validate;
mod workflows;

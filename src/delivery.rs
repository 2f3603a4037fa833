//! Sends the records' xAPI statements to the organisation's Learning Record Store in the background,
//! when one is configured (environment or `lrs.ron` in the data folder). The outbox in the records is the
//! queue, so the LRS being away, or the app closing mid-send, loses nothing.

use crate::AppOptions;
use bevy::prelude::*;
use helpdesk_core::store::{self, Store};
use helpdesk_core::xapi::{self, LrsConfig};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the app looks at the outbox.
const EVERY: Duration = Duration::from_secs(30);

pub fn plugin(app: &mut App) {
    let options = AppOptions::of(app);
    let dir = options.data_dir.unwrap_or_else(store::default_dir);
    let config = match LrsConfig::find(&dir) {
        Ok(c) => c,
        Err(e) => {
            warn!("xAPI sending is off: {e}");
            None
        }
    };
    if let Some(c) = &config {
        info!("xAPI statements go to {c}");
    }
    app.insert_resource(Delivery {
        config,
        dir,
        last: None,
        busy: Arc::new(AtomicBool::new(false)),
        status: Arc::new(Mutex::new(None)),
    })
    .add_systems(Update, deliver);
}

/// The LRS and the state of the background sender.
#[derive(Resource)]
pub struct Delivery {
    pub config: Option<LrsConfig>,
    dir: PathBuf,
    last: Option<Instant>,
    busy: Arc<AtomicBool>,
    /// What the last round did, for the home screen.
    pub status: Arc<Mutex<Option<String>>>,
}

fn deliver(mut d: ResMut<Delivery>) {
    let Some(config) = d.config.clone() else {
        return;
    };
    if d.last.is_some_and(|t| t.elapsed() < EVERY) || d.busy.load(Ordering::Acquire) {
        return;
    }
    d.last = Some(Instant::now());
    d.busy.store(true, Ordering::Release);
    let (dir, busy, status) = (d.dir.clone(), d.busy.clone(), d.status.clone());
    std::thread::spawn(move || {
        let text = match Store::connect(&dir) {
            Ok(mut s) => match xapi::send(&mut s, &config, store::now_ms()) {
                Ok(r) if r.sent + r.deferred + r.rejected == 0 => None,
                Ok(r) => Some(format!(
                    "xAPI: {} sent, {} waiting, {} rejected",
                    r.sent, r.deferred, r.rejected
                )),
                Err(e) => Some(format!("xAPI: {e}")),
            },
            Err(e) => Some(format!("xAPI: {e}")),
        };
        if let Some(t) = text {
            info!("{t}");
            *status.lock().unwrap_or_else(|p| p.into_inner()) = Some(t);
        }
        busy.store(false, Ordering::Release);
    });
}

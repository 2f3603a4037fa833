//! Scenario files as Bevy assets.
//!
//! A custom [`AssetLoader`] hands the bytes to the core, which parses and validates them. Files are
//! watched: a save replaces the asset; a broken save leaves the last good version in `Assets` and puts
//! the diagnostics (file, line:column, hint) in [`ScenarioErrors`], which the screens show. A file
//! created while the app runs is found within a second and loaded too.

use crate::AppOptions;
use bevy::asset::io::{AssetSourceBuilder, Reader};
use bevy::asset::{AssetLoader, LoadContext, LoadState};
use bevy::prelude::*;
use helpdesk_core::scenario::Compiled;
use helpdesk_core::{Catalogue, Diagnostic, library};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The asset source scenario files are read from: `scenarios://accounts/acct-locked-out.ron`.
pub const SOURCE: &str = "scenarios";

pub fn plugin(app: &mut App) {
    let options = AppOptions::of(app);
    let root = absolute(&options.scenarios);
    let errors = ScenarioErrors::default();
    // Sources must exist before the AssetPlugin builds: `register_scenario_source` is called by the
    // app builders; here we only add what needs the asset server.
    app.insert_resource(ScenarioRoot(root.clone()))
        .insert_resource(errors.clone())
        .insert_resource(Objectives(Arc::new(Catalogue::bundled())))
        .init_asset::<ScenarioAsset>()
        .register_asset_loader(ScenarioLoader {
            errors,
            catalogue: Arc::new(Catalogue::bundled()),
            root,
        })
        .init_resource::<Library>()
        .add_systems(Startup, load_library)
        .add_systems(Update, (track_reloads, discover_new_files));
}

/// Registers the `scenarios://` source; call before adding the `AssetPlugin`.
pub fn register_scenario_source(app: &mut App, folder: &Path) {
    let root = absolute(folder);
    app.register_asset_source(
        SOURCE,
        AssetSourceBuilder::platform_default(&root.to_string_lossy(), None),
    );
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The library folder on disk.
#[derive(Resource, Debug, Clone)]
pub struct ScenarioRoot(pub PathBuf);

/// The objective catalogue, shared with every screen.
#[derive(Resource, Clone)]
pub struct Objectives(pub Arc<Catalogue>);

/// A validated scenario.
#[derive(Asset, TypePath, Debug, Clone)]
pub struct ScenarioAsset(pub Arc<Compiled>);

/// Diagnostics of files whose last load failed, by file. Shared with the loader, which runs on the
/// asset server's tasks.
#[derive(Resource, Clone, Default)]
pub struct ScenarioErrors(pub Arc<Mutex<BTreeMap<PathBuf, Vec<Diagnostic>>>>);

impl ScenarioErrors {
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }
    pub fn count(&self) -> usize {
        self.0
            .lock()
            .map(|m| m.values().map(Vec::len).sum())
            .unwrap_or(0)
    }
}

/// Why a scenario did not load: the core's diagnostics.
#[derive(Debug)]
pub struct ScenarioLoadError(pub Vec<Diagnostic>);

impl std::fmt::Display for ScenarioLoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioLoadError {}

#[derive(TypePath)]
pub struct ScenarioLoader {
    errors: ScenarioErrors,
    catalogue: Arc<Catalogue>,
    /// The library folder, so errors name the file where the author can open it.
    root: PathBuf,
}

impl AssetLoader for ScenarioLoader {
    type Asset = ScenarioAsset;
    type Settings = ();
    type Error = ScenarioLoadError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _: &(),
        ctx: &mut LoadContext<'_>,
    ) -> Result<ScenarioAsset, ScenarioLoadError> {
        let file = self.root.join(ctx.path().path());
        let mut bytes = Vec::new();
        if let Err(e) = reader.read_to_end(&mut bytes).await {
            let d = vec![Diagnostic::new(&file, format!("cannot read: {e}"))];
            self.set_errors(&file, Some(d.clone()));
            return Err(ScenarioLoadError(d));
        }
        match helpdesk_core::scenario::load_bytes(&file, &bytes, &self.catalogue) {
            Ok(c) => {
                self.set_errors(&file, None);
                Ok(ScenarioAsset(Arc::new(c)))
            }
            // The objective catalogue (or another data file of ours) beside the scenarios is not a
            // broken scenario: it shows no error.
            Err(d) if library::other_data_file(&file, &bytes).is_some() => {
                self.set_errors(&file, None);
                Err(ScenarioLoadError(d))
            }
            Err(d) => {
                self.set_errors(&file, Some(d.clone()));
                Err(ScenarioLoadError(d))
            }
        }
    }

    fn extensions(&self) -> &[&str] {
        &["ron"]
    }
}

impl ScenarioLoader {
    fn set_errors(&self, file: &Path, errors: Option<Vec<Diagnostic>>) {
        if let Ok(mut map) = self.errors.0.lock() {
            match errors {
                Some(e) => {
                    map.insert(file.to_path_buf(), e);
                }
                None => {
                    map.remove(file);
                }
            }
        }
    }
}

/// Handles to every scenario file found at start-up, by path relative to the library folder.
#[derive(Resource, Default)]
pub struct Library {
    pub files: Vec<(PathBuf, Handle<ScenarioAsset>)>,
    /// Bumped whenever a scenario loads or reloads, so screens can refresh what they derived.
    pub generation: u64,
}

impl Library {
    /// The scenarios that are loaded now (a broken file keeps its last good version), sorted by id.
    pub fn scenarios(&self, assets: &Assets<ScenarioAsset>) -> Vec<Arc<Compiled>> {
        let mut out: Vec<Arc<Compiled>> = self
            .files
            .iter()
            .filter_map(|(_, h)| assets.get(h).map(|a| a.0.clone()))
            .collect();
        out.sort_by(|a, b| a.id().cmp(b.id()));
        out.dedup_by(|a, b| a.id() == b.id());
        out
    }

    /// The scenario with this id, if loaded.
    pub fn get(&self, assets: &Assets<ScenarioAsset>, id: &str) -> Option<Arc<Compiled>> {
        self.files
            .iter()
            .filter_map(|(_, h)| assets.get(h))
            .find(|a| a.0.id() == id)
            .map(|a| a.0.clone())
    }

    /// True once every file has loaded or failed.
    pub fn settled(&self, server: &AssetServer) -> bool {
        self.files.iter().all(|(_, h)| {
            matches!(
                server.load_state(h),
                LoadState::Loaded | LoadState::Failed(_)
            )
        })
    }
}

fn load_library(mut lib: ResMut<Library>, root: Res<ScenarioRoot>, server: Res<AssetServer>) {
    if !root.0.is_dir() {
        warn!("the scenario folder {} does not exist", root.0.display());
        return;
    }
    if add_new_files(&mut lib, &root.0, &server) == 0 {
        warn!("no scenario files under {}", root.0.display());
    }
}

/// Starts loading every scenario file under `root` the library does not have yet; returns how many.
fn add_new_files(lib: &mut Library, root: &Path, server: &AssetServer) -> usize {
    let mut added = 0;
    for f in library::scenario_files(&[root.to_path_buf()]) {
        let rel = f.strip_prefix(root).unwrap_or(&f).to_path_buf();
        if lib.files.iter().any(|(p, _)| *p == rel) {
            continue;
        }
        let path = format!("{SOURCE}://{}", rel.to_string_lossy().replace('\\', "/"));
        lib.files.push((rel, server.load(path)));
        added += 1;
    }
    added
}

/// How often the library folder is searched for files created since the app started.
pub const DISCOVER_EVERY: Duration = Duration::from_secs(1);

/// Hot reload follows the files the library has; a file created later (`helpdesk-sim new`, a copy)
/// is found here and loaded, so it appears without a restart.
fn discover_new_files(
    mut lib: ResMut<Library>,
    root: Res<ScenarioRoot>,
    server: Res<AssetServer>,
    mut last: Local<Option<Instant>>,
) {
    if last.is_some_and(|t| t.elapsed() < DISCOVER_EVERY) || !root.0.is_dir() {
        return;
    }
    *last = Some(Instant::now());
    let added = add_new_files(&mut lib, &root.0, &server);
    if added > 0 {
        info!("{added} new scenario file(s) found");
        lib.generation += 1;
    }
}

fn track_reloads(mut events: MessageReader<AssetEvent<ScenarioAsset>>, mut lib: ResMut<Library>) {
    let mut changed = false;
    for e in events.read() {
        if matches!(
            e,
            AssetEvent::Added { .. } | AssetEvent::Modified { .. } | AssetEvent::Removed { .. }
        ) {
            changed = true;
        }
    }
    if changed {
        lib.generation += 1;
    }
}

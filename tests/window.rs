//! The real window under Xvfb with software Vulkan: a scripted session ends on the debrief, and the
//! screenshot is a non-blank PNG of the window's size.
//!
//! In CI (`CI` set) this test must run; elsewhere it is skipped, loudly, when `xvfb-run` is missing.

use std::path::Path;
use std::process::Command;

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn a_scripted_session_renders_a_real_debrief_screenshot() {
    if !have("xvfb-run") {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install xvfb and mesa-vulkan-drivers (.ci/run does)"
        );
        eprintln!(
            "SKIPPED: xvfb-run is not installed (apt-get install -y xvfb mesa-vulkan-drivers)"
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = std::env::temp_dir().join(format!("helpdesk-window-{}.png", std::process::id()));
    let _ = std::fs::remove_file(&out);
    let status = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24"])
        .arg(env!("CARGO_BIN_EXE_helpdesk-sim"))
        .arg("--scenarios")
        .arg(root.join("scenarios"))
        .arg("--data-dir")
        .arg(std::env::temp_dir().join(format!("helpdesk-window-data-{}", std::process::id())))
        .arg("--play-script")
        .arg(root.join("tests/scripts/debrief.script"))
        .arg("--screenshot")
        .arg(&out)
        .env("WGPU_BACKEND", "vulkan")
        .env("XDG_RUNTIME_DIR", std::env::temp_dir())
        .status()
        .expect("xvfb-run starts");
    assert!(status.success(), "the app exited with {status}");
    let img = image::open(&out).expect("a PNG was written").to_rgb8();
    assert_eq!((img.width(), img.height()), (1280, 800));
    // Not blank: many distinct colours, and text-like contrast somewhere.
    let mut colours = std::collections::HashSet::new();
    let (mut min, mut max) = (255u8, 0u8);
    for p in img.pixels().step_by(7) {
        colours.insert(p.0);
        let l = p.0[0] / 3 + p.0[1] / 3 + p.0[2] / 3;
        min = min.min(l);
        max = max.max(l);
    }
    assert!(
        colours.len() > 50,
        "only {} colours: the window looks blank",
        colours.len()
    );
    assert!(max - min > 100, "no contrast: the window looks blank");
}

//! `items`: item analysis of the recorded attempts, or of a simulated cohort before any trainee has
//! played (`--simulate`). The report's HTML shows the same table.

use super::{DEFAULT_SCENARIOS, ReportFormat};
use crate::items::{self, ItemStats, Scored, Sitting};
use crate::library::{self, Library};
use crate::objectives::Catalogue;
use crate::store::{AttemptRow, ExamRow, Store};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Item analysis of a set of attempts.
#[derive(Debug, Default, Clone)]
pub struct Analysis {
    /// How many attempts it covers.
    pub attempts: usize,
    /// Every scored decision, by scenario and item.
    pub items: Vec<ItemStats>,
    /// Scenarios inside exams, against the rest of the exam.
    pub scenarios: Vec<ItemStats>,
    /// Exam forms with at least two sittings: code, sittings, Cronbach's alpha.
    pub forms: Vec<(String, usize, Option<f64>)>,
}

/// Best-path item points per world, so each world is solved once.
type Cache = HashMap<(String, usize, u64), BTreeMap<String, f64>>;

fn best_items(
    cache: &mut Cache,
    sc: &Arc<crate::scenario::Compiled>,
    v: usize,
    seed: u64,
) -> BTreeMap<String, f64> {
    cache
        .entry((sc.id().to_string(), v, seed))
        .or_insert_with(|| items::best_path_items(sc, v, seed))
        .clone()
}

/// The analysis of stored attempts (and the exams they belong to).
pub fn of_store(
    store: &Store,
    attempts: &[AttemptRow],
    exams: &[ExamRow],
    lib: &Library,
) -> crate::store::Result<Analysis> {
    let mut cache = Cache::new();
    let mut scored = Vec::new();
    for a in attempts {
        let decisions = store.decisions(a.id)?;
        let sc = lib.get(&a.scenario);
        let v = sc.and_then(|sc| sc.variant(&a.variant));
        let best = match (sc, v) {
            (Some(sc), Some(v)) => Some(best_items(&mut cache, sc, v, a.seed)),
            _ => None,
        };
        scored.push(items::scored(
            &a.scenario,
            sc.zip(v).map(|(sc, _)| sc.as_ref()),
            a.total,
            &decisions,
            best.as_ref(),
        ));
    }
    let sittings: Vec<Sitting> = exams
        .iter()
        .map(|e| Sitting {
            form: e.record.code.clone(),
            tickets: attempts
                .iter()
                .filter(|a| a.exam == Some(e.id))
                .map(|a| (a.scenario.clone(), a.percent))
                .collect(),
        })
        .collect();
    Ok(finish(scored, &sittings, lib))
}

fn finish(scored: Vec<Scored>, sittings: &[Sitting], lib: &Library) -> Analysis {
    let mut items = items::analyse(&scored);
    for it in &mut items {
        it.at = lib
            .get(&it.scenario)
            .and_then(|sc| items::locate(sc, &it.item));
    }
    let mut scenarios = items::scenarios_in_exams(sittings);
    for it in &mut scenarios {
        it.at = lib
            .get(&it.scenario)
            .and_then(|sc| items::locate(sc, "scenario"));
    }
    Analysis {
        attempts: scored.len(),
        items,
        scenarios,
        forms: items::form_reliability(sittings),
    }
}

/// The analysis of a simulated cohort: for every scenario, variant and seed, the author's walkthrough,
/// a random player, the careless player and the three cue players of the quality bar.
pub fn simulate(lib: &Library, seeds: u64) -> Analysis {
    use rand::SeedableRng;
    let mut scored = Vec::new();
    let mut cache = Cache::new();
    for sc in &lib.scenarios {
        for (vi, v) in sc.src.variants.iter().enumerate() {
            for seed in 1..=seeds {
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ ((vi as u64) << 32));
                let mut sessions = Vec::new();
                if let Some(keys) = sc.src.walkthroughs.get(&v.id)
                    && let Ok(s) = crate::solver::play_walkthrough(sc.clone(), seed, vi, keys)
                {
                    sessions.push(s);
                }
                sessions.push(crate::solver::random_play_variant(
                    sc.clone(),
                    seed,
                    vi,
                    &mut rng,
                ));
                sessions.push(crate::solver::careless_play(sc.clone(), seed, vi));
                for p in crate::players::CuePlayer::ALL {
                    sessions.push(p.play(sc.clone(), seed, vi));
                }
                for s in &sessions {
                    let best = best_items(&mut cache, sc, vi, s.world.draw.seed);
                    scored.push(items::scored(
                        sc.id(),
                        Some(sc.as_ref()),
                        s.total(),
                        &crate::record::Decision::from_session(s),
                        Some(&best),
                    ));
                }
            }
        }
    }
    finish(scored, &[], lib)
}

fn fmt_r(r: Option<f64>) -> String {
    r.map_or("–".into(), |r| format!("{r:+.2}"))
}

fn flag_text(it: &ItemStats) -> String {
    it.flags
        .iter()
        .map(|f| f.label())
        .collect::<Vec<_>>()
        .join(", ")
}

fn at_text(it: &ItemStats) -> String {
    it.at
        .as_ref()
        .map_or(String::new(), |(f, l)| format!("{f}:{l}"))
}

/// The analysis as a text table.
pub fn text(a: &Analysis) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "ITEM ANALYSIS ({} attempts): difficulty p = share of the best points earned; \
         discrimination r = correlation with the rest of the ticket",
        a.attempts
    );
    let _ = writeln!(
        s,
        "{:<28} {:<28} {:>5} {:>5} {:>6}  flags / where",
        "scenario", "item", "n", "p", "r"
    );
    for it in &a.items {
        let _ = writeln!(
            s,
            "{:<28} {:<28} {:>5} {:>5.2} {:>6}  {}{}{}",
            it.scenario,
            it.item,
            it.n,
            it.difficulty,
            fmt_r(it.discrimination),
            flag_text(it),
            if it.flags.is_empty() || it.at.is_none() {
                ""
            } else {
                "  "
            },
            at_text(it)
        );
    }
    if !a.scenarios.is_empty() {
        let _ = writeln!(s, "\nSCENARIOS IN EXAMS (r against the rest of the exam)");
        for it in &a.scenarios {
            let _ = writeln!(
                s,
                "{:<28} {:>5} {:>5.2} {:>6}  {}",
                it.scenario,
                it.n,
                it.difficulty,
                fmt_r(it.discrimination),
                flag_text(it)
            );
        }
    }
    if !a.forms.is_empty() {
        let _ = writeln!(s, "\nEXAM FORMS (Cronbach's alpha over their tickets)");
        for (form, n, alpha) in &a.forms {
            let _ = writeln!(s, "{form:<20} {n:>3} sittings  alpha {}", fmt_r(*alpha));
        }
    }
    s
}

/// The analysis as an HTML section with a table an author can sort by clicking a column's heading.
pub fn html(a: &Analysis, esc: fn(&str) -> String) -> String {
    let mut s = format!(
        "<h2>Item analysis</h2><p>{} attempt(s). <b>p</b> is the share of the best points earned; \
         <b>r</b> the correlation of the item with the rest of the ticket's score. Flagged: p above \
         {:.2} (too easy), r below {:.2} (poor), r below 0 (the key is probably wrong). Click a heading \
         to sort.</p><table class=sortable><thead><tr><th>scenario</th><th>item</th><th class=n>n</th>\
         <th class=n>p</th><th class=n>r</th><th>flags</th><th>where</th></tr></thead><tbody>",
        a.attempts,
        items::TOO_EASY,
        items::POOR
    );
    let row = |s: &mut String, it: &ItemStats| {
        let at = it.at.as_ref().map_or(String::new(), |(f, l)| {
            let url = Path::new(f)
                .canonicalize()
                .map(|p| format!("file://{}", p.display()))
                .unwrap_or_else(|_| f.clone());
            format!("<a href=\"{}\">{}:{l}</a>", esc(&url), esc(f))
        });
        let _ = write!(
            s,
            "<tr{}><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{:.2}</td><td class=n>{}</td>\
             <td>{}</td><td>{}</td></tr>",
            if it.flags.is_empty() {
                ""
            } else {
                " class=flag"
            },
            esc(&it.scenario),
            esc(&it.item),
            it.n,
            it.difficulty,
            fmt_r(it.discrimination),
            esc(&flag_text(it)),
            at
        );
    };
    for it in &a.items {
        row(&mut s, it);
    }
    s += "</tbody></table>";
    if !a.scenarios.is_empty() {
        s += "<h2>Scenarios in exams</h2><table class=sortable><thead><tr><th>scenario</th><th>item</th>\
              <th class=n>n</th><th class=n>p</th><th class=n>r</th><th>flags</th><th>where</th></tr>\
              </thead><tbody>";
        for it in &a.scenarios {
            row(&mut s, it);
        }
        s += "</tbody></table>";
    }
    if !a.forms.is_empty() {
        s += "<h2>Exam forms</h2><table><tr><th>code</th><th class=n>sittings</th><th class=n>alpha</th></tr>";
        for (form, n, alpha) in &a.forms {
            let _ = write!(
                s,
                "<tr><td>{}</td><td class=n>{n}</td><td class=n>{}</td></tr>",
                esc(form),
                fmt_r(*alpha)
            );
        }
        s += "</table>";
    }
    s += SORT_SCRIPT;
    s
}

/// Sorts a table by the clicked heading, numbers as numbers; a second click reverses.
const SORT_SCRIPT: &str = "<script>document.querySelectorAll('table.sortable th').forEach(function(th,i){\
th.style.cursor='pointer';th.title='sort';th.addEventListener('click',function(){\
var b=th.closest('table').tBodies[0],rows=Array.from(b.rows),up=th.dataset.up!=='1';th.dataset.up=up?'1':'0';\
rows.sort(function(x,y){var a=x.cells[i].textContent,c=y.cells[i].textContent,n=parseFloat(a),m=parseFloat(c);\
var r=(isNaN(n)||isNaN(m))?a.localeCompare(c):n-m;return up?r:-r;});rows.forEach(function(r){b.appendChild(r);});});});\
</script>";

/// `items [PATHS] [--simulate N]`.
pub fn run(
    data_dir: &Path,
    paths: &[PathBuf],
    simulate_seeds: Option<u64>,
    format: ReportFormat,
    out: Option<&Path>,
    cat: &Catalogue,
) -> ExitCode {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(DEFAULT_SCENARIOS)]
    } else {
        paths.to_vec()
    };
    let lib = library::load(&paths, cat);
    let analysis = match simulate_seeds {
        Some(n) => simulate(&lib, n),
        None => {
            let store = match super::records::open(data_dir) {
                Ok(s) => s,
                Err(c) => return c,
            };
            let read = store
                .attempts(None)
                .and_then(|a| Ok((a, store.exams(None)?)))
                .and_then(|(a, e)| of_store(&store, &a, &e, &lib));
            match read {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    let text = match format {
        ReportFormat::Html => format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>helpdesk-sim items</title>\
             <style>{}</style></head><body>{}</body></html>\n",
            super::report::STYLE,
            html(&analysis, super::report::esc)
        ),
        _ => text(&analysis),
    };
    super::report::write_out(out, &text)
}

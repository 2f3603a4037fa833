//! `report`: the supervisor's view of the trainee records, as a text table, CSV or a self-contained HTML
//! page with charts.

use super::ReportFormat;
use crate::objectives::Catalogue;
use crate::progress::{self, CohortLine, FirstLast, Mastery};
use crate::store::{AttemptRow, ExamRow, Store, rfc3339};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

/// Categories in the order the debrief shows them; the CSV has a column for each.
const CATEGORIES: [&str; 6] = [
    "Diagnosis",
    "Communication",
    "Escalation",
    "Resolution",
    "Documentation",
    "Time",
];

/// Everything a report shows, read once from the store.
pub struct Data {
    pub trainees: Vec<TraineeLine>,
    pub mastery: BTreeMap<String, BTreeMap<String, Mastery>>,
    pub first_last: Vec<FirstLast>,
    pub cohort: Vec<CohortLine>,
    pub attempts: Vec<AttemptRow>,
    /// attempt id → category → (earned, best)
    pub categories: BTreeMap<i64, BTreeMap<String, (i32, i32)>>,
    pub exams: Vec<ExamRow>,
    /// Item analysis of these attempts, for the table and HTML reports.
    pub items: Option<super::items::Analysis>,
    titles: BTreeMap<String, String>,
}

pub struct TraineeLine {
    pub name: String,
    pub attempts: usize,
    pub scenarios: usize,
    pub mean: f64,
    pub last: i64,
    pub exams: usize,
    pub best_exam: Option<(String, u32, bool)>,
}

/// Which records a report covers.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub trainee: Option<String>,
    pub class: Option<String>,
}

impl Data {
    pub fn read(store: &Store, filter: &Filter, cat: &Catalogue) -> crate::store::Result<Data> {
        let trainee = filter.trainee.as_deref();
        let in_class = |c: &Option<String>| filter.class.is_none() || *c == filter.class;
        let mut attempts = store.attempts(trainee)?;
        attempts.retain(|a| in_class(&a.class));
        let ids: std::collections::BTreeSet<i64> = attempts.iter().map(|a| a.id).collect();
        let mut scores = store.objective_scores(trainee)?;
        scores.retain(|r| ids.contains(&r.attempt));
        let mut exams = store.exams(trainee)?;
        exams.retain(|e| in_class(&e.record.class));
        let mut categories: BTreeMap<i64, BTreeMap<String, (i32, i32)>> = BTreeMap::new();
        for r in store
            .category_scores(trainee)?
            .into_iter()
            .filter(|r| ids.contains(&r.attempt))
        {
            categories
                .entry(r.attempt)
                .or_default()
                .insert(r.name, (r.earned, r.best));
        }
        let mut names: Vec<String> = attempts.iter().map(|a| a.trainee.clone()).collect();
        names.extend(exams.iter().map(|e| e.record.trainee.clone()));
        names.sort();
        names.dedup();
        let mut mastery = BTreeMap::new();
        let mut trainees = Vec::new();
        for name in names {
            let mine: Vec<&AttemptRow> = attempts.iter().filter(|a| a.trainee == name).collect();
            let rows: Vec<_> = scores
                .iter()
                .filter(|r| r.trainee == name)
                .cloned()
                .collect();
            mastery.insert(name.clone(), progress::mastery(&rows));
            let mut scen: Vec<&str> = mine.iter().map(|a| a.scenario.as_str()).collect();
            scen.sort();
            scen.dedup();
            let their_exams: Vec<&ExamRow> =
                exams.iter().filter(|e| e.record.trainee == name).collect();
            trainees.push(TraineeLine {
                attempts: mine.len(),
                scenarios: scen.len(),
                mean: if mine.is_empty() {
                    0.0
                } else {
                    mine.iter().map(|a| a.percent).sum::<f64>() / mine.len() as f64
                },
                last: mine
                    .iter()
                    .map(|a| a.finished)
                    .chain(their_exams.iter().map(|e| e.record.finished))
                    .max()
                    .unwrap_or(0),
                exams: their_exams.len(),
                best_exam: their_exams
                    .iter()
                    .max_by_key(|e| e.record.scaled)
                    .map(|e| (e.record.exam.clone(), e.record.scaled, e.record.passed)),
                name,
            });
        }
        let titles = cat
            .all()
            .map(|o| (o.id(), o.objective.title.clone()))
            .collect();
        Ok(Data {
            trainees,
            mastery,
            first_last: progress::first_vs_last(&attempts),
            cohort: progress::cohort(&scores),
            attempts,
            categories,
            exams,
            items: None,
            titles,
        })
    }

    fn title(&self, objective: &str) -> &str {
        self.titles.get(objective).map_or("", String::as_str)
    }
}

pub fn run(
    data_dir: &Path,
    filter: &Filter,
    lrs: bool,
    format: ReportFormat,
    out: Option<&Path>,
    cat: &Catalogue,
) -> ExitCode {
    let mut store = match super::records::open(data_dir) {
        Ok(s) => s,
        Err(c) => return c,
    };
    if lrs && let Err(code) = pull_from_lrs(&mut store, data_dir) {
        return code;
    }
    let trainee = filter.trainee.as_deref();
    let mut data = match Data::read(&store, filter, cat) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if format != ReportFormat::Csv {
        let lib = crate::library::load(&[std::path::PathBuf::from(super::DEFAULT_SCENARIOS)], cat);
        match super::items::of_store(&store, &data.attempts, &data.exams, &lib) {
            Ok(a) => data.items = Some(a),
            Err(e) => eprintln!("warning: no item analysis: {e}"),
        }
    }
    if let Some(t) = trainee
        && data.trainees.is_empty()
    {
        eprintln!("no records for trainee `{t}` in {}", store.path().display());
        return ExitCode::FAILURE;
    }
    let text = match format {
        ReportFormat::Table => table(&data),
        ReportFormat::Csv => csv(&data),
        ReportFormat::Html => html(&data),
    };
    write_out(out, &text)
}

/// Writes a report to `out`, or to standard output.
pub(super) fn write_out(out: Option<&Path>, text: &str) -> ExitCode {
    match out {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => {
                eprintln!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                ExitCode::FAILURE
            }
        },
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
    }
}

/// `report --lrs`: takes in what the LRS holds that this store lacks, and says what it did.
fn pull_from_lrs(store: &mut Store, data_dir: &Path) -> Result<(), ExitCode> {
    let cfg = match crate::xapi::LrsConfig::find(data_dir) {
        Ok(Some(c)) => c,
        Ok(None) => {
            eprintln!(
                "error: no LRS is set: set HELPDESK_LRS_ENDPOINT, HELPDESK_LRS_USERNAME and \
                 HELPDESK_LRS_PASSWORD, or write {} in {}",
                crate::xapi::CONFIG_FILE,
                data_dir.display()
            );
            return Err(ExitCode::from(2));
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Err(ExitCode::from(2));
        }
    };
    match crate::xapi::pull(store, &cfg) {
        Ok(p) => {
            eprintln!(
                "from {cfg}: {} new statement(s) in {} request(s){}; {} attempt(s) and {} exam(s) taken in",
                p.statements,
                p.requests,
                p.since
                    .as_deref()
                    .map_or(String::new(), |s| format!(" since {s}")),
                p.attempts,
                p.exams
            );
            Ok(())
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

fn date(ms: i64) -> String {
    rfc3339(ms).chars().take(10).collect()
}

/// The plain-text report.
pub fn table(d: &Data) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "TRAINEES");
    let _ = writeln!(
        s,
        "{:<20} {:>8} {:>9} {:>6} {:>6}  {:<16} last",
        "trainee", "attempts", "scenarios", "mean", "exams", "best exam"
    );
    for t in &d.trainees {
        let best = t.best_exam.as_ref().map_or("-".to_string(), |(e, sc, p)| {
            format!("{e} {sc} {}", if *p { "pass" } else { "fail" })
        });
        let _ = writeln!(
            s,
            "{:<20} {:>8} {:>9} {:>5.0}% {:>6}  {:<16} {}",
            t.name,
            t.attempts,
            t.scenarios,
            t.mean,
            t.exams,
            best,
            date(t.last)
        );
    }
    let _ = writeln!(s, "\nMASTERY BY OBJECTIVE");
    let _ = writeln!(
        s,
        "{:<20} {:<10} {:>7} {:>8}  title",
        "trainee", "objective", "mastery", "attempts"
    );
    for (name, m) in &d.mastery {
        for (o, x) in m {
            let _ = writeln!(
                s,
                "{:<20} {:<10} {:>6.0}% {:>8}  {}",
                name,
                o,
                x.value,
                x.attempts,
                d.title(o)
            );
        }
    }
    let _ = writeln!(s, "\nFIRST AGAINST LAST ATTEMPT");
    let _ = writeln!(
        s,
        "{:<20} {:<30} {:>8} {:>6} {:>6} {:>7}",
        "trainee", "scenario", "attempts", "first", "last", "change"
    );
    for f in &d.first_last {
        let _ = writeln!(
            s,
            "{:<20} {:<30} {:>8} {:>5.0}% {:>5.0}% {:>+6.0}%",
            f.trainee,
            f.scenario,
            f.attempts,
            f.first,
            f.last,
            f.change()
        );
    }
    let _ = writeln!(s, "\nWEAKEST OBJECTIVES ACROSS THE COHORT");
    let _ = writeln!(
        s,
        "{:<10} {:>8} {:>6} {:>7}  title",
        "objective", "trainees", "mean", "lowest"
    );
    for c in d.cohort.iter().take(10) {
        let _ = writeln!(
            s,
            "{:<10} {:>8} {:>5.0}% {:>6.0}%  {}",
            c.objective,
            c.trainees,
            c.mean,
            c.lowest,
            d.title(&c.objective)
        );
    }
    if !d.exams.is_empty() {
        let _ = writeln!(s, "\nEXAMS");
        let _ = writeln!(
            s,
            "{:<20} {:<14} {:>6} {:>5} {:<6} date",
            "trainee", "code", "scaled", "pass", "result"
        );
        for e in &d.exams {
            let r = &e.record;
            let _ = writeln!(
                s,
                "{:<20} {:<14} {:>6} {:>5} {:<6} {}",
                r.trainee,
                r.code,
                r.scaled,
                r.pass,
                if r.passed { "pass" } else { "fail" },
                date(r.finished)
            );
        }
    }
    if let Some(a) = &d.items {
        let _ = writeln!(s);
        s += &super::items::text(a);
    }
    s
}

/// A text cell. One that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) gets a leading apostrophe, so it shows as the text it is; such a cell and
/// one holding a comma, quote or line break is quoted.
fn csv_field(v: &str) -> String {
    let formula = v.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula {
        format!("\"'{}\"", v.replace('"', "\"\""))
    } else if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_string()
    }
}

/// One row per trainee and attempt.
pub fn csv(d: &Data) -> String {
    let mut s = String::from(
        "trainee,class,attempt,finished,scenario,title,variant,seed,mode,outcome,score,best,percent,minutes",
    );
    for c in CATEGORIES {
        let _ = write!(s, ",{}", c.to_lowercase());
    }
    s.push('\n');
    for a in &d.attempts {
        let fields = [
            csv_field(&a.trainee),
            csv_field(a.class.as_deref().unwrap_or_default()),
            a.uuid.clone(),
            rfc3339(a.finished),
            csv_field(&a.scenario),
            csv_field(&a.title),
            csv_field(&a.variant),
            a.seed.to_string(),
            format!("{:?}", a.mode).to_lowercase(),
            a.outcome.clone().unwrap_or_else(|| "Unfinished".into()),
            a.total.to_string(),
            a.best.to_string(),
            format!("{:.1}", a.percent),
            a.minutes.to_string(),
        ];
        s += &fields.join(",");
        let cats = d.categories.get(&a.id);
        for c in CATEGORIES {
            match cats.and_then(|m| m.get(c)) {
                Some((e, b)) => {
                    let _ = write!(s, ",{e}/{b}");
                }
                None => s.push(','),
            }
        }
        s.push('\n');
    }
    s
}

pub(super) fn esc(v: &str) -> String {
    v.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar, 0–100, as inline SVG.
fn bar(percent: f64, colour: &str) -> String {
    let w = percent.clamp(0.0, 100.0) * 2.0;
    format!(
        "<svg width=\"200\" height=\"14\" role=\"img\" aria-label=\"{percent:.0} %\"><rect width=\"200\" \
         height=\"14\" fill=\"#e5e7eb\"/><rect width=\"{w:.1}\" height=\"14\" fill=\"{colour}\"/></svg>"
    )
}

fn colour(p: f64) -> &'static str {
    if p >= 75.0 {
        "#15803d"
    } else if p >= 50.0 {
        "#ca8a04"
    } else {
        "#b91c1c"
    }
}

/// A self-contained page with bar charts; opens in any browser, no network needed.
/// The report pages' style sheet.
pub(super) const STYLE: &str = "body{font:14px system-ui,sans-serif;margin:2em;color:#111}\
     table{border-collapse:collapse;margin-bottom:2em}td,th{padding:3px 10px;border-bottom:1px solid #ddd;\
     text-align:left}th{background:#f3f4f6}.n{text-align:right}h2{margin-top:1.5em}\
     tr.flag td{background:#fff7ed}";

pub fn html(d: &Data) -> String {
    let mut s = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>helpdesk-sim report</title>\
         <style>{STYLE}</style></head><body><h1>helpdesk-sim: trainee report</h1>"
    );
    let _ = write!(
        s,
        "<p>{} trainee(s), {} attempt(s), {} exam(s).</p><h2>Trainees</h2><table><tr><th>trainee</th>\
         <th class=n>attempts</th><th class=n>scenarios</th><th>mean score</th><th>best exam</th>\
         <th>last</th></tr>",
        d.trainees.len(),
        d.attempts.len(),
        d.exams.len()
    );
    for t in &d.trainees {
        let best = t.best_exam.as_ref().map_or("–".to_string(), |(e, sc, p)| {
            format!("{e}: {sc} ({})", if *p { "pass" } else { "fail" })
        });
        let _ = write!(
            s,
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td>{} {:.0} %</td><td>{}</td><td>{}</td></tr>",
            esc(&t.name),
            t.attempts,
            t.scenarios,
            bar(t.mean, colour(t.mean)),
            t.mean,
            esc(&best),
            date(t.last)
        );
    }
    s += "</table><h2>Weakest objectives across the cohort</h2><table><tr><th>objective</th><th>title</th>\
          <th class=n>trainees</th><th>mean mastery</th><th class=n>lowest</th></tr>";
    for c in &d.cohort {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td>{} {:.0} %</td><td class=n>{:.0} %</td></tr>",
            esc(&c.objective),
            esc(d.title(&c.objective)),
            c.trainees,
            bar(c.mean, colour(c.mean)),
            c.mean,
            c.lowest
        );
    }
    s += "</table>";
    for (name, m) in &d.mastery {
        let _ = write!(
            s,
            "<h2>{}: mastery by objective</h2><table><tr><th>objective</th><th>title</th><th>mastery</th>\
             <th class=n>attempts</th></tr>",
            esc(name)
        );
        for (o, x) in m {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{} {:.0} %</td><td class=n>{}</td></tr>",
                esc(o),
                esc(d.title(o)),
                bar(x.value, colour(x.value)),
                x.value,
                x.attempts
            );
        }
        s += "</table>";
    }
    s += "<h2>First against last attempt</h2><table><tr><th>trainee</th><th>scenario</th>\
          <th class=n>attempts</th><th>first</th><th>last</th><th class=n>change</th></tr>";
    for f in &d.first_last {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td>{} {:.0} %</td><td>{} {:.0} %</td>\
             <td class=n>{:+.0}</td></tr>",
            esc(&f.trainee),
            esc(&f.title),
            f.attempts,
            bar(f.first, "#6b7280"),
            f.first,
            bar(f.last, colour(f.last)),
            f.last,
            f.change()
        );
    }
    s += "</table>";
    if !d.exams.is_empty() {
        s += "<h2>Exams</h2><table><tr><th>trainee</th><th>code</th><th>result</th><th class=n>pass mark</th>\
              <th>domains</th><th>date</th></tr>";
        for e in &d.exams {
            let r = &e.record;
            let domains: Vec<String> = r
                .domains
                .iter()
                .map(|x| format!("{} {}: {}", esc(&x.domain), esc(&x.name), x.scaled))
                .collect();
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{} {} ({})</td><td class=n>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.trainee),
                esc(&r.code),
                bar(
                    (r.scaled as f64 - 100.0) / 8.0,
                    if r.passed { "#15803d" } else { "#b91c1c" }
                ),
                r.scaled,
                if r.passed { "pass" } else { "fail" },
                r.pass,
                domains.join("<br>"),
                date(r.finished)
            );
        }
        s += "</table>";
        let _ = write!(
            s,
            "<p><small>{}</small></p>",
            esc(&crate::exam::explanation(675)).replace(
                "the pass mark of 675",
                "the pass mark (675 for Core 1, 700 for Core 2)"
            )
        );
    }
    if let Some(a) = &d.items {
        s += &super::items::html(a, esc);
    }
    s += "</body></html>\n";
    s
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn cells_a_spreadsheet_would_run_are_written_as_text() {
        assert_eq!(
            csv_field(r#"=HYPERLINK("http://evil","x")"#),
            r#""'=HYPERLINK(""http://evil"",""x"")""#
        );
        for start in ["+", "-", "@", "\t", "\r"] {
            let cell = format!("{start}1+1");
            assert_eq!(csv_field(&cell), format!("\"'{cell}\""), "{cell:?}");
        }
        assert_eq!(csv_field("Ana Silva"), "Ana Silva");
        assert_eq!(csv_field("Ben, Jr."), "\"Ben, Jr.\"");
        // Only the first character makes a formula.
        assert_eq!(csv_field("a=b"), "a=b");
    }
}

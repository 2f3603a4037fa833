//! The CompTIA A+ objective catalogue (220-1201 Core 1 and 220-1202 Core 2): exams, domains with their
//! weights, and objectives. It is data (`assets/objectives.ron`), loaded and checked like a scenario.

use crate::diag::{Diagnostic, line_col};
use serde::Deserialize;
use std::path::Path;

/// The catalogue as shipped, compiled into the program so every binary has it.
pub const BUNDLED: &str = include_str!("../../assets/objectives.ron");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub exams: Vec<Exam>,
    /// Every full id (`1201-5.5`), filled in after parsing.
    #[serde(skip)]
    id_list: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exam {
    /// `1201` or `1202`.
    pub code: String,
    pub name: String,
    /// The passing mark on the 100–900 scale.
    pub pass: u32,
    pub minutes: u32,
    pub domains: Vec<Domain>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Domain {
    /// `1`, `2`, … within the exam.
    pub number: u32,
    pub name: String,
    /// Percent of the exam.
    pub weight: u32,
    pub objectives: Vec<Objective>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// `5.5` within its exam; the full id is `1201-5.5`.
    pub number: String,
    pub title: String,
}

/// One objective with the exam and domain it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct ObjectiveRef<'a> {
    pub exam: &'a Exam,
    pub domain: &'a Domain,
    pub objective: &'a Objective,
}

impl ObjectiveRef<'_> {
    pub fn id(&self) -> String {
        format!("{}-{}", self.exam.code, self.objective.number)
    }
    /// `1201-5` for objective `1201-5.5`.
    pub fn domain_id(&self) -> String {
        format!("{}-{}", self.exam.code, self.domain.number)
    }
}

impl Catalogue {
    /// The catalogue compiled into the program.
    pub fn bundled() -> Catalogue {
        Self::parse(Path::new("assets/objectives.ron"), BUNDLED)
            .expect("the bundled objective catalogue is valid")
    }

    pub fn load(path: &Path) -> Result<Catalogue, Vec<Diagnostic>> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| vec![Diagnostic::new(path, format!("cannot read: {e}"))])?;
        Self::parse(path, &text)
    }

    /// Parses and checks: unique ids, weights adding up to 100, objective numbers inside their domain.
    pub fn parse(path: &Path, text: &str) -> Result<Catalogue, Vec<Diagnostic>> {
        let mut cat: Catalogue = crate::ronfile::ron_options()
            .from_str(text)
            .map_err(|e| vec![crate::ronfile::ron_diagnostic(path, text, &e)])?;
        let mut errors = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (ei, exam) in cat.exams.iter().enumerate() {
            let total: u32 = exam.domains.iter().map(|d| d.weight).sum();
            if total != 100 {
                errors.push(
                    Diagnostic::new(
                        path,
                        format!(
                            "exam {} domain weights add up to {total}, not 100",
                            exam.code
                        ),
                    )
                    .path(format!("exams[{ei}]")),
                );
            }
            for (di, d) in exam.domains.iter().enumerate() {
                for (oi, o) in d.objectives.iter().enumerate() {
                    let id = format!("{}-{}", exam.code, o.number);
                    let p = format!("exams[{ei}].domains[{di}].objectives[{oi}]");
                    let mut diag = |m: String| {
                        let mut x = Diagnostic::new(path, m).path(p.clone());
                        if let Some(at) = text.find(&format!("\"{}\"", o.number)) {
                            let (l, c) = line_col(text, at);
                            x = x.at(l, c);
                        }
                        errors.push(x);
                    };
                    if !seen.insert(id.clone()) {
                        diag(format!("objective {id} is listed twice"));
                    }
                    if o.number.split('.').next() != Some(&d.number.to_string()) {
                        diag(format!(
                            "objective {id} does not belong to domain {}",
                            d.number
                        ));
                    }
                }
            }
        }
        cat.id_list = cat.all().map(|o| o.id()).collect();
        if errors.is_empty() {
            Ok(cat)
        } else {
            Err(errors)
        }
    }

    /// Every objective, in catalogue order.
    pub fn all(&self) -> impl Iterator<Item = ObjectiveRef<'_>> {
        self.exams.iter().flat_map(|exam| {
            exam.domains.iter().flat_map(move |domain| {
                domain.objectives.iter().map(move |objective| ObjectiveRef {
                    exam,
                    domain,
                    objective,
                })
            })
        })
    }

    /// Every full objective id, in catalogue order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.id_list.iter().map(String::as_str)
    }

    pub fn objective(&self, id: &str) -> Option<ObjectiveRef<'_>> {
        let (code, number) = id.split_once('-')?;
        self.all()
            .find(|o| o.exam.code == code && o.objective.number == number)
    }

    pub fn exam(&self, code: &str) -> Option<&Exam> {
        self.exams.iter().find(|e| e.code == code)
    }
}

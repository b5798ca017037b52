//! `cargo xtask fuzz [--cases N] [--seed S] [--threads T] [--case K] [--compile C]`: a structure-aware mutation
//! fuzzer.
//!
//! Each case takes one of the repository's readable specs (the vendor specs and the test fixtures, not the
//! deliberately broken ones), applies one to four mutations chosen by a seeded generator (delete, retype, rename to
//! an odd name, swap, nest deeply, break or redirect a `$ref`, put in a huge or negative number, copy a subtree
//! elsewhere, give a schema a JSON Schema keyword with an odd value), writes it as JSON or YAML (so both loading
//! paths are taken) and runs the whole pipeline on it.
//!
//! A case fails when specforge panics, reports an internal error or emits invalid Rust, when repair lets through a
//! part that `openapiv3` cannot read (a gap in `load/repair.rs`), or when it takes far longer than the unmutated
//! spec (linear reading means a mutation cannot make it much slower). With `--compile C`, the crates of the first C
//! generated cases are also built with `cargo clippy -D warnings` in one workspace (`target/fuzz/compile/`) and
//! their client ↔ server conformance tests run; a case whose crates do not compile clippy-clean, or whose client
//! and server disagree, fails. Refusals of whole documents are counted by kind, since some
//! mutations (of `openapi`, of the top level) make a document unreadable. Failing cases are saved under
//! `target/fuzz/` and can be replayed with `--case K` and the same seed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use specforge::diagnostic::{escape_pointer_token, unescape_pointer_token};

/// What the command line asked for.
pub struct Settings {
    cases: u64,
    seed: u64,
    threads: usize,
    only: Option<u64>,
    compile: usize,
}

impl Settings {
    /// Parses `--cases N --seed S --threads T --case K --compile C` (all optional).
    pub fn parse(args: &[&str]) -> Result<Self, String> {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let mut settings = Settings { cases: 1_000, seed: 22, threads, only: None, compile: 0 };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let value = args.next().ok_or_else(|| format!("{flag} takes a number"))?;
            let number: u64 = value.parse().map_err(|_| format!("{flag} takes a number, not {value:?}"))?;
            match *flag {
                "--cases" => settings.cases = number,
                "--seed" => settings.seed = number,
                "--threads" => settings.threads = usize::try_from(number).unwrap_or(1).max(1),
                "--case" => settings.only = Some(number),
                "--compile" => settings.compile = usize::try_from(number).unwrap_or(usize::MAX),
                _ => return Err(format!("unknown option {flag}")),
            }
        }
        Ok(settings)
    }
}

/// A spec to mutate, with how long the pipeline takes on it unmutated.
struct Seed {
    name: String,
    document: Value,
    normal: Duration,
}

/// How one case ended.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// Crates were generated (with or without warnings).
    Generated,
    /// The whole document was refused; the message's first words say why.
    Refused(String),
    /// A failure: what kind, and the message.
    Failed(&'static str, String),
}

/// Runs the fuzzer and prints the counts; fails if any case failed.
pub fn run(root: &Path, settings: &Settings) -> Result<(), String> {
    let out = root.join("target/fuzz");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    // Failing cases of an earlier run would be taken for this run's.
    for entry in std::fs::read_dir(&out).map_err(|e| e.to_string())?.flatten() {
        if entry.path().is_file() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let seeds = seeds(root, &out)?;
    let cases: Vec<u64> = match settings.only {
        Some(case) => vec![case],
        None => (0..settings.cases).collect(),
    };
    eprintln!(
        "fuzz: {} seed specs, {} case(s) from seed {} on {} thread(s)",
        seeds.len(),
        cases.len(),
        settings.seed,
        settings.threads
    );
    let started = Instant::now();
    let mut outcomes: Vec<(u64, Outcome)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..settings.threads)
            .map(|worker| {
                let (seeds, cases, out) = (&seeds, &cases, &out);
                scope.spawn(move || {
                    let work = out.join(format!("work-{worker}"));
                    cases
                        .iter()
                        .skip(worker)
                        .step_by(settings.threads)
                        .map(|&case| (case, run_case(seeds, settings.seed, case, &work, out)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|worker| worker.join().unwrap_or_default()).collect()
    });
    if settings.compile > 0 {
        let mut generated: Vec<u64> =
            outcomes.iter().filter(|(_, o)| *o == Outcome::Generated).map(|(case, _)| *case).collect();
        generated.sort_unstable();
        generated.truncate(settings.compile);
        for (case, failure) in compile(root, &seeds, settings.seed, &generated, &out)? {
            if let Some(entry) = outcomes.iter_mut().find(|(c, _)| *c == case) {
                entry.1 = failure;
            }
        }
    }
    let mut counts: BTreeMap<Outcome, u64> = BTreeMap::new();
    for (_, outcome) in &outcomes {
        let key = match outcome {
            Outcome::Failed(kind, _) => Outcome::Failed(kind, String::new()),
            other => other.clone(),
        };
        *counts.entry(key).or_default() += 1;
    }
    eprintln!("fuzz: {} case(s) in {:.1} s", outcomes.len(), started.elapsed().as_secs_f64());
    for (outcome, count) in &counts {
        match outcome {
            Outcome::Generated => eprintln!("  {count:>7}  generated"),
            Outcome::Refused(why) => eprintln!("  {count:>7}  refused: {why}"),
            Outcome::Failed(kind, _) => eprintln!("  {count:>7}  FAILED: {kind}"),
        }
    }
    // A few refused cases by number, to rerun with `--case N` (a refusal is allowed, but each is worth a look).
    let refused = outcomes.iter().filter_map(|(case, o)| matches!(o, Outcome::Refused(_)).then_some(case.to_string()));
    let refused: Vec<String> = refused.take(10).collect();
    if !refused.is_empty() {
        eprintln!("  refused cases (first {}): {}", refused.len(), refused.join(", "));
    }
    let failures: Vec<&(u64, Outcome)> = outcomes.iter().filter(|(_, o)| matches!(o, Outcome::Failed(..))).collect();
    for (case, outcome) in failures.iter().take(20) {
        if let Outcome::Failed(kind, message) = outcome {
            let first = message.lines().next().unwrap_or_default();
            eprintln!("  case {case} ({kind}): {first}");
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} case(s) failed; each is saved under {} (replay one with `cargo xtask fuzz --seed {} --case K`)",
            failures.len(),
            out.display(),
            settings.seed
        ))
    }
}

/// The specs cases start from: the vendor specs and every readable fixture, with their normal generation time.
fn seeds(root: &Path, out: &Path) -> Result<Vec<Seed>, String> {
    let fixtures = root.join("generator/tests/fixtures");
    let mut files: Vec<PathBuf> = Vec::new();
    let dirs = ["corpus", "openapi31", "swagger2"].map(|dir| fixtures.join(dir));
    for dir in [root.join("specs"), fixtures.clone()].into_iter().chain(dirs) {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                (name.ends_with(".json") || name.ends_with(".yaml")) && !name.contains(".overlay.")
            })
            .collect();
        found.sort();
        files.extend(found);
    }
    let work = out.join("work-seeds");
    let mut seeds = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let Ok(document) = serde_norway::from_str::<Value>(&text) else { continue };
        let name = file.strip_prefix(root).unwrap_or(&file).display().to_string();
        // The normal time: the fastest of three runs, of a spec that generates as it is.
        let mut normal = Duration::MAX;
        for _ in 0..3 {
            let started = Instant::now();
            if !matches!(generate(&document, &work, false, Duration::from_secs(60)), Ok(Outcome::Generated)) {
                normal = Duration::MAX;
                break;
            }
            normal = normal.min(started.elapsed());
        }
        if normal != Duration::MAX {
            seeds.push(Seed { name, document, normal });
        }
    }
    if seeds.is_empty() {
        return Err("no seed spec generates".into());
    }
    Ok(seeds)
}

/// Mutates a seed as case `case` of `seed` says and runs the pipeline on it; failures are saved in `out`.
fn run_case(seeds: &[Seed], seed: u64, case: u64, work: &Path, out: &Path) -> Outcome {
    let (base, document, yaml) = case_document(seeds, seed, case);
    // Far above normal: what linear reading rules out (with room for a loaded machine).
    let limit = (base.normal * 30).max(Duration::from_secs(3));
    let started = Instant::now();
    let outcome = match generate(&document, work, yaml, limit * 4) {
        Ok(_) if started.elapsed() > limit => Outcome::Failed(
            "slow",
            format!("{:.2} s, normally {:.3} s", started.elapsed().as_secs_f64(), base.normal.as_secs_f64()),
        ),
        Ok(outcome) => outcome,
        Err(hang) => Outcome::Failed("hang", hang),
    };
    save_failure(&outcome, case, &document, base, out);
    outcome
}

/// Case `case` of `seed`: the seed spec it starts from, that spec mutated, and whether it is written as YAML.
fn case_document(seeds: &[Seed], seed: u64, case: u64) -> (&Seed, Value, bool) {
    let mut random = Random::new(seed ^ case.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let base = &seeds[random.below(seeds.len())];
    let mut document = base.document.clone();
    for _ in 0..1 + random.below(4) {
        mutate(&mut document, &mut random);
    }
    (base, document, random.below(2) == 0)
}

/// Saves a failed case's document and message in `out`, as `<kind>-<case>.json` and `.txt`.
fn save_failure(outcome: &Outcome, case: u64, document: &Value, base: &Seed, out: &Path) {
    if let Outcome::Failed(kind, message) = outcome {
        let saved = out.join(format!("{kind}-{case}.json"));
        let text = serde_json::to_string_pretty(document).unwrap_or_default();
        let _ = std::fs::write(&saved, text);
        let _ = std::fs::write(out.join(format!("{kind}-{case}.txt")), format!("seed spec {}\n{message}\n", base.name));
    }
}

/// Generates the crates of `cases` (models, client, and the server with its fake) into `out/compile`, one
/// workspace, runs clippy on them with warnings denied and then, when they all pass, their client ↔ server
/// conformance tests: the cases whose crates or tests fail, as failures (saved in `out`). Generating is not enough:
/// a type, a default or a derive can be valid syntax and still not compile, or not read what the other side wrote.
fn compile(root: &Path, seeds: &[Seed], seed: u64, cases: &[u64], out: &Path) -> Result<Vec<(u64, Outcome)>, String> {
    let dir = out.join("compile");
    // The target directory is kept between runs: the dependencies are built once.
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if entry.file_name() != "target" {
            let _ = std::fs::remove_dir_all(entry.path()).or_else(|_| std::fs::remove_file(entry.path()));
        }
    }
    let work = dir.join("documents");
    let mut names = Vec::new();
    let mut conformance = BTreeMap::new();
    for &case in cases {
        let (_, document, yaml) = case_document(seeds, seed, case);
        let file = write_document(&document, &work.join(format!("case-{case}")), yaml)?;
        let name = format!("fz{case}");
        let options = specforge::Options { server: true, name: Some(name.clone()), ..specforge::Options::new(&file) };
        let no_longer = |_| format!("case {case} no longer generates");
        let generated = specforge::generate(&options).map_err(no_longer)?;
        generated.write_into(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        conformance.insert(name.clone(), specforge::conformance_tests(&options).map_err(no_longer)?);
        names.push(name);
    }
    eprintln!("fuzz: clippy and client ↔ server conformance tests on the crates of {} generated case(s)", names.len());
    // Twenty cases to a test binary: all in one needs more memory to build than this machine has (300 cases, half a
    // million lines: rustc was killed past 11 GiB), and parts build on every core.
    crate::corpus::write_conformance_crate(&dir, &conformance, 20)?;
    let mut members: Vec<String> =
        names.iter().flat_map(|name| ["models", "client", "server"].map(|side| format!("{name}-{side}"))).collect();
    members.push("conformance".into());
    let fakes: Vec<String> = names.iter().map(|name| format!("{name}-server/fake")).collect();
    let name_refs: Vec<&String> = names.iter().collect();
    let mut failures: Vec<(String, &'static str, String)> =
        crate::corpus::clippy_failures(root, &dir, &members, &name_refs, &fakes.join(","))?
            .into_iter()
            .map(|(name, message)| (name, "clippy", message))
            .collect();
    if failures.is_empty() {
        failures.extend(failed_conformance_tests(&dir)?.into_iter().map(|(name, test)| (name, "conformance", test)));
    }
    let mut failed = Vec::new();
    for (name, kind, message) in failures {
        let case: u64 = name.trim_start_matches("fz").parse().map_err(|_| format!("unknown crate {name}"))?;
        let (base, document, _) = case_document(seeds, seed, case);
        let outcome = Outcome::Failed(kind, message);
        save_failure(&outcome, case, &document, base, out);
        failed.push((case, outcome));
    }
    Ok(failed)
}

/// Runs the conformance tests written in `dir`: each failed test's line, by the name of its case's crates.
fn failed_conformance_tests(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let output = crate::corpus::test_conformance(dir)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !stdout.lines().any(|line| line.starts_with("test result:")) {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("the conformance tests did not run:\n{}", crate::corpus::last_lines(&stderr)));
    }
    // `test fz12::some_operation_200 ... FAILED`
    let failed = stdout.lines().filter(|line| line.ends_with("FAILED"));
    Ok(failed
        .filter_map(|line| {
            let test = line.trim_start_matches("test ");
            Some((test.split("::").next()?.to_string(), test.to_string()))
        })
        .collect())
}

/// Runs the whole pipeline on `document` (written into `work` as YAML or JSON) on another thread; `Err` if it
/// takes longer than `timeout` (the thread is left behind).
fn generate(document: &Value, work: &Path, yaml: bool, timeout: Duration) -> Result<Outcome, String> {
    let file = write_document(document, work, yaml)?;
    let (send, receive) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            // The server and the conformance tests too: they walk every type and operation again.
            let options = specforge::Options { server: true, ..specforge::Options::new(&file) };
            let result = std::panic::catch_unwind(|| {
                let generated = specforge::generate(&options)?;
                specforge::conformance_tests(&options).map(|_| generated)
            });
            let _ = send.send(result);
        })
        .map_err(|e| e.to_string())?;
    let result = receive.recv_timeout(timeout).map_err(|_| format!("no result after {} s", timeout.as_secs()))?;
    Ok(match result {
        Err(_) => Outcome::Failed("panic", "specforge panicked".into()),
        Ok(Ok(generated)) => match generated.warnings.iter().find(|w| w.message.contains("not a valid OpenAPI")) {
            Some(gap) => Outcome::Failed("repair gap", format!("{} at {}", gap.message, gap.pointer)),
            None => Outcome::Generated,
        },
        Ok(Err(failure)) => {
            let first =
                failure.diagnostics.iter().find(|d| d.is_error()).map(|d| d.message.clone()).unwrap_or_default();
            if first.contains("internal error") {
                Outcome::Failed("internal error", first)
            } else if first.contains("not a valid OpenAPI") {
                Outcome::Failed("repair gap", first)
            } else {
                Outcome::Refused(refusal_kind(&first))
            }
        }
    })
}

/// A refusal's message without what it quotes or numbers: what kind of refusal it is.
fn refusal_kind(message: &str) -> String {
    let mut kind = String::new();
    let mut quoted = None;
    for c in message.chars() {
        match quoted {
            Some(open) if c == open => quoted = None,
            Some(_) => {}
            None if c == '`' || c == '"' => {
                kind.push('…');
                quoted = Some(c);
            }
            None if c.is_ascii_digit() => {}
            None => kind.push(c),
        }
    }
    kind.chars().take(48).collect()
}

/// Applies one mutation, of a kind and at a place the generator picks.
fn mutate(document: &mut Value, random: &mut Random) {
    let mut places = Vec::new();
    collect_pointers(document, String::new(), &mut places);
    let place = places[random.below(places.len())].clone();
    match random.below(10) {
        0 => remove(document, &place),
        1 => {
            let replacement =
                [json!(null), json!(true), json!(7), json!("x"), json!([]), json!({})][random.below(6)].clone();
            set(document, &place, replacement);
        }
        2 => rename(document, &place, odd_name(random)),
        3 => {
            let other = places[random.below(places.len())].clone();
            if !other.starts_with(&place) && !place.starts_with(&other) {
                let (a, b) = (get(document, &place), get(document, &other));
                if let (Some(a), Some(b)) = (a, b) {
                    set(document, &place, b);
                    set(document, &other, a);
                }
            }
        }
        4 => {
            let Some(mut node) = get(document, &place) else { return };
            if random.below(2) == 0 {
                node = json!("x");
            }
            for _ in 0..1 + random.below(60) {
                node = match random.below(4) {
                    0 => json!({"type": "array", "items": node}),
                    1 => json!({"allOf": [node]}),
                    2 => json!({"type": "object", "properties": {"p": node}}),
                    _ => json!({"oneOf": [node, {"type": "string"}]}),
                };
            }
            set(document, &place, node);
        }
        5 => {
            let reference = [
                "#/components/schemas/Missing",
                "#/paths/~1a%7Bid%7D/get",
                "other.yaml#/x",
                "https://example.com/x.yaml#/y",
                "#",
                "#/components/schemas",
                "",
                "#/components/schemas/A%20B",
            ][random.below(8)];
            set(document, &place, json!({"$ref": reference}));
        }
        6 => {
            let target = places[random.below(places.len())].clone();
            set(document, &place, json!({"$ref": format!("#{target}")}));
        }
        7 => {
            let number =
                [json!(1e300), json!(-9.223372036854776e18), json!(1.8446744073709552e19), json!(-1), json!(0.5)]
                    [random.below(5)]
                .clone();
            let key = ["minimum", "maximum", "maxLength", "minItems", "multipleOf", "maxProperties"][random.below(6)];
            match get(document, &place) {
                Some(Value::Object(mut map)) => {
                    map.insert(key.to_string(), number);
                    set(document, &place, Value::Object(map));
                }
                _ => set(document, &place, number),
            }
        }
        9 => add_keyword(document, &places, random),
        _ => {
            let (Some(node), Some(Value::Object(mut target))) =
                (get(document, &place), get(document, &places[random.below(places.len())]))
            else {
                return;
            };
            let name = odd_name(random);
            target.insert(name, node);
            let target_place = places[random.below(places.len())].clone();
            if !target_place.starts_with(&place) {
                set(document, &target_place, Value::Object(target));
            }
        }
    }
}

/// Gives a schema (a node that looks like one, when there is any) a JSON Schema keyword with a value of a kind the
/// keyword may or may not take, or with a subtree of the document: the defects and the rarer constructs of real
/// documents, where the generated types, defaults and derives must still compile.
fn add_keyword(document: &mut Value, places: &[String], random: &mut Random) {
    const KEYWORDS: [&str; 34] = [
        "type",
        "format",
        "default",
        "enum",
        "const",
        "nullable",
        "required",
        "additionalProperties",
        "discriminator",
        "readOnly",
        "writeOnly",
        "pattern",
        "items",
        "prefixItems",
        "properties",
        "example",
        "examples",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minItems",
        "uniqueItems",
        "oneOf",
        "anyOf",
        "allOf",
        "not",
        "title",
        "description",
        "x-enum-varnames",
        "patternProperties",
        "propertyNames",
        "contentEncoding",
        "deprecated",
        "$ref",
    ];
    // Looked at in place: cloning every node of the document to look at it would copy each subtree once per level.
    let is_schema = |place: &String| {
        matches!(document.pointer(place), Some(Value::Object(map))
            if ["type", "properties", "items", "allOf", "oneOf", "anyOf", "$ref", "enum"].iter().any(|k| map.contains_key(*k)))
    };
    let schemas: Vec<&String> = places.iter().filter(|place| is_schema(place)).collect();
    let place = match schemas.len() {
        0 => &places[random.below(places.len())],
        n => schemas[random.below(n)],
    };
    let Some(Value::Object(mut schema)) = get(document, place) else { return };
    let values = [
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(2.5),
        json!(1e20),
        json!("x"),
        json!(""),
        json!("null"),
        json!("date-time"),
        json!("uuid"),
        json!("int64"),
        json!("binary"),
        json!("^[a-z]+$"),
        json!("("),
        json!(["a", "b", "a"]),
        json!(["a", 1, null, true]),
        json!([]),
        json!([null]),
        json!({}),
        json!({"type": "string"}),
        json!({"type": "integer", "format": "int32"}),
        json!({"$ref": "#/components/schemas/Missing"}),
        json!({"propertyName": "kind"}),
        json!({"propertyName": "type", "mapping": {"a": "#/components/schemas/Missing", "b": "x"}}),
        json!(["null", "string"]),
        json!(["integer", "string", "array"]),
        json!([{"type": "string"}, {"type": "integer"}]),
        json!([{"type": "object", "properties": {"kind": {"const": "a"}}}, {"type": "null"}]),
        json!({"a": {"type": "string"}, "self": {"type": "integer"}, "A": {"type": "boolean"}}),
    ];
    let value = match random.below(values.len() + 8) {
        n if n < values.len() => values[n].clone(),
        _ => get(document, &places[random.below(places.len())]).unwrap_or(Value::Null),
    };
    schema.insert(KEYWORDS[random.below(KEYWORDS.len())].to_string(), value);
    set(document, place, Value::Object(schema));
}

/// A name real documents use that is not a Rust identifier, or is one with a meaning.
fn odd_name(random: &mut Random) -> String {
    let names = [
        "type",
        "$ref",
        "",
        "with space",
        "match",
        "Self",
        "naïve",
        "🦀",
        "1st",
        "a/b",
        "~0",
        "x-ext",
        "default",
        "r#try",
    ];
    match random.below(names.len() + 1) {
        n if n < names.len() => names[n].to_string(),
        _ => "long".repeat(200),
    }
}

/// Every node's JSON pointer (RFC 6901, without the `#`), the root first.
fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                collect_pointers(item, format!("{at}/{}", escape_pointer_token(key)), out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_pointers(item, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

fn get(document: &Value, place: &str) -> Option<Value> {
    document.pointer(place).cloned()
}

fn set(document: &mut Value, place: &str, value: Value) {
    if let Some(node) = document.pointer_mut(place) {
        *node = value;
    }
}

/// The parent of `place` and the last token, unescaped.
fn parent_and_key(place: &str) -> Option<(&str, String)> {
    let (parent, key) = place.rsplit_once('/')?;
    Some((parent, unescape_pointer_token(key)))
}

fn remove(document: &mut Value, place: &str) {
    let Some((parent, key)) = parent_and_key(place) else { return };
    match document.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = key.parse::<usize>()
                && index < items.len()
            {
                items.remove(index);
            }
        }
        _ => {}
    }
}

fn rename(document: &mut Value, place: &str, name: String) {
    let Some((parent, key)) = parent_and_key(place) else { return };
    if let Some(Value::Object(map)) = document.pointer_mut(parent)
        && let Some(index) = map.keys().position(|k| *k == key)
        && let Some((_, value)) = map.shift_remove_entry(&key)
    {
        // A member already called `name` is replaced.
        map.shift_remove(&name);
        map.shift_insert(index.min(map.len()), name, value);
    }
}

/// Writes `document` into `dir` as `spec.yaml` or `spec.json`; the file's path.
fn write_document(document: &Value, dir: &Path, yaml: bool) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let file = dir.join(if yaml { "spec.yaml" } else { "spec.json" });
    let text = if yaml {
        serde_norway::to_string(document).map_err(|e| e.to_string())?
    } else {
        serde_json::to_string(document).map_err(|e| e.to_string())?
    };
    std::fs::write(&file, text).map_err(|e| e.to_string())?;
    Ok(file)
}

/// A small deterministic generator (SplitMix64): the same seed and case give the same mutations everywhere.
pub(crate) struct Random(u64);

impl Random {
    /// The generator started at `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

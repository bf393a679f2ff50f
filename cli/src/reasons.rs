//! Why a file fails the route schema, from another process.
//!
//! The quick verdict, generated at build time, says whether a file matches the route schema;
//! only a file that does not needs the JSON Schema compiler, to say why. `dynroute` and the
//! pre-commit hook's binary (`dynroute-hook`) leave the compiler out, so that they start with
//! fewer pages to load and relocate, and ask a program installed beside them from the same
//! package, through [`Helper`]: `dynroute-full --schema-reasons` and `dynroute-hook-reasons`.
//! The helper ([`serve`]) answers with [`Compiled`], as `dynroute-full` does in its own
//! process, so the findings are the same.
//!
//! The helper is started on the first file that fails the verdict and answers every later
//! one; it ends when the asking program closes its standard input, at the latest when that
//! program exits.
//! Each question and each answer is one line of JSON:
//!
//! * question: `{"schema": FINGERPRINT, "text": FILE_TEXT}`;
//! * answer: `{"findings": [{"rule", "pointer", "message", "help", "at_key"}, ...]}`, or
//!   `{"error": MESSAGE}`.
//!
//! The fingerprint is the route schema's and the package version's: a helper built from
//! another schema refuses to answer rather than give other reasons.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::sync::{Mutex, OnceLock, PoisonError};

use dynroute_validator::document::{self, Document};
use dynroute_validator::schema::{Compiled, ROUTE_SCHEMA, Reasons, SchemaError};
use dynroute_validator::{Finding, parse, registry};
use serde_json::{Value, json};

/// The route schema and the package version, as 16 hexadecimal digits (FNV-1a), worked out
/// once per process.
pub fn fingerprint() -> &'static str {
    static FINGERPRINT: OnceLock<String> = OnceLock::new();
    FINGERPRINT.get_or_init(|| {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in ROUTE_SCHEMA
            .bytes()
            .chain([0])
            .chain(env!("CARGO_PKG_VERSION").bytes())
        {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    })
}

/// Reasons asked of a helper program installed in the folder of the running program.
#[derive(Debug)]
pub struct Helper {
    /// The helper's file name, without the platform's executable suffix.
    program: &'static str,
    /// The arguments it is started with.
    args: &'static [&'static str],
    /// The running helper once started, or why it could not be started or stopped
    /// answering (kept, so that every later file gets the same error).
    channel: Mutex<Option<Result<Channel, String>>>,
}

/// A running helper's pipes.
#[derive(Debug)]
struct Channel {
    /// The helper, left running until its standard input closes (at the latest when the
    /// asking program exits); it is never waited for.
    _child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Helper {
    /// The helper `program`, to be found beside the running program and started with `args`
    /// when first needed.
    pub const fn beside_this_program(program: &'static str, args: &'static [&'static str]) -> Self {
        Helper {
            program,
            args,
            channel: Mutex::new(None),
        }
    }

    fn start(&self) -> Result<Channel, String> {
        let path = crate::beside_this_program(self.program)?;
        let mut child = Command::new(&path)
            .args(self.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                format!(
                    "{}, which is installed beside this program, cannot be started ({}): {e}",
                    self.program,
                    path.display()
                )
            })?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(format!("{} was started without pipes", self.program));
        };
        Ok(Channel {
            _child: child,
            input,
            output: BufReader::new(output),
        })
    }

    /// One question and its answer, or why there is none.
    fn ask(&self, channel: &mut Channel, text: &str) -> Result<Vec<Finding>, String> {
        // One write for the whole line: the pipe is not buffered.
        let mut question = serde_json::to_vec(&json!({"schema": fingerprint(), "text": text}))
            .map_err(|e| format!("cannot write the question: {e}"))?;
        question.push(b'\n');
        let ended = || format!("{} ended without an answer", self.program);
        let lost = |e: std::io::Error| format!("{} stopped answering: {e}", self.program);
        // A helper that ended before the question was written closed its input: the same
        // end as one that closes its output without an answer.
        match channel.input.write_all(&question) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Err(ended()),
            written => written.map_err(lost)?,
        }
        let mut line = String::new();
        if channel.output.read_line(&mut line).map_err(lost)? == 0 {
            return Err(ended());
        }
        answer(&line).map_err(|e| format!("{}: {e}", self.program))
    }
}

impl Reasons for Helper {
    fn explain(
        &self,
        text: &str,
        _document: &Document<'_>,
        out: &mut Vec<Finding>,
    ) -> Result<(), SchemaError> {
        let mut channel = self.channel.lock().unwrap_or_else(PoisonError::into_inner);
        let running = channel.get_or_insert_with(|| self.start());
        let answered = match running {
            Ok(open) => self.ask(open, text),
            Err(e) => Err(e.clone()),
        };
        match answered {
            Ok(findings) => {
                out.extend(findings);
                Ok(())
            }
            Err(e) => {
                *channel = Some(Err(e.clone()));
                Err(SchemaError::Reasons(e))
            }
        }
    }
}

/// The findings of an answer line, or what is wrong with it.
fn answer(line: &str) -> Result<Vec<Finding>, String> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| format!("its answer is not JSON: {e}"))?;
    if let Some(error) = value.get("error") {
        return Err(error
            .as_str()
            .map_or_else(|| error.to_string(), str::to_string));
    }
    let items = value
        .get("findings")
        .and_then(Value::as_array)
        .ok_or("its answer holds neither `findings` nor `error`")?;
    items.iter().map(finding).collect()
}

fn finding(item: &Value) -> Result<Finding, String> {
    let text = |key: &str| {
        item.get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("a finding of its answer has no `{key}` string"))
    };
    let rule = text("rule")?;
    let rule = registry::rule(rule)
        .ok_or_else(|| format!("its answer names a rule there is not: `{rule}`"))?
        .name;
    let mut found = Finding::new(rule, text("pointer")?, text("message")?, text("help")?);
    found.at_key = item
        .get("at_key")
        .and_then(Value::as_bool)
        .ok_or("a finding of its answer has no `at_key` boolean")?;
    Ok(found)
}

/// The helper's side: answers each question line of standard input on standard output
/// until standard input ends. `name` is the helper's, for its messages. Exit status 0, or 2
/// when standard output cannot be written.
pub fn serve(name: &str) -> ExitCode {
    let stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    match answer_all(name, stdin, &mut stdout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::from(crate::USAGE_OR_IO)
        }
    }
}

/// Answers every question line of `input` on `output`, until `input` ends, as the helper
/// `name`.
fn answer_all(name: &str, mut input: impl BufRead, output: &mut impl Write) -> std::io::Result<()> {
    let mut line = String::new();
    while input.read_line(&mut line)? > 0 {
        let reply = match reasons_for(name, &line) {
            Ok(findings) => json!({"findings": findings
                .iter()
                .map(|f| json!({
                    "rule": f.rule,
                    "pointer": f.pointer,
                    "message": f.message,
                    "help": f.help,
                    "at_key": f.at_key,
                }))
                .collect::<Vec<_>>()}),
            Err(e) => json!({"error": e}),
        };
        serde_json::to_writer(&mut *output, &reply)?;
        output.write_all(b"\n")?;
        output.flush()?;
        line.clear();
    }
    Ok(())
}

/// The schema findings of one question, as `dynroute-full` finds them in its own process;
/// `name` is the helper's.
fn reasons_for(name: &str, line: &str) -> Result<Vec<Finding>, String> {
    let question: Value =
        serde_json::from_str(line).map_err(|e| format!("the question is not JSON: {e}"))?;
    if question.get("schema").and_then(Value::as_str) != Some(fingerprint()) {
        return Err(format!(
            "{name} {} was built from another route schema or version than the program that \
             asks; install both from the same source",
            env!("CARGO_PKG_VERSION")
        ));
    }
    let text = question
        .get("text")
        .and_then(Value::as_str)
        .ok_or("the question has no `text` string")?;
    let parsed = parse::parse(text).map_err(|e| format!("the text is not JSON: {}", e.message))?;
    let mut out = Vec::new();
    // A text that holds no document has no schema reasons: its finding is made before
    // reasons are asked for.
    if let Ok(doc) = document::extract(parsed.root()) {
        Compiled
            .explain(text, &doc, &mut out)
            .map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(questions: &str) -> Vec<Value> {
        let mut out = Vec::new();
        answer_all("the-helper", questions.as_bytes(), &mut out).expect("answers are written");
        String::from_utf8(out)
            .expect("answers are UTF-8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("each answer is one JSON line"))
            .collect()
    }

    fn question(text: &str) -> String {
        json!({"schema": fingerprint(), "text": text}).to_string() + "\n"
    }

    /// What `Compiled` finds in a text, in this process.
    fn compiled(text: &str) -> Vec<Finding> {
        let parsed = parse::parse(text).expect("JSON");
        let doc = document::extract(parsed.root()).expect("a document");
        let mut out = Vec::new();
        Compiled.explain(text, &doc, &mut out).expect("reasons");
        out
    }

    #[test]
    fn answers_carry_what_the_compiled_schema_finds() {
        let texts = [
            include_str!("../../spec/examples/invalid/schema.json"),
            r#"{"name": 5, "elements": [{"id": "s", "type": "start", "outputs": {"x": 1}}]}"#,
            r#"[{"id": "m", "type": "model", "properties": {"provider": 1}, "outputs": {}}]"#,
            r#"{"result": {"id": "r", "name": "n", "elements": [{"type": "nope"}]}}"#,
            r#"{"name": "r", "elements": 5, "extra": {"a": 1}}"#,
        ];
        let questions: String = texts.iter().map(|t| question(t)).collect();
        let answers = ask(&questions);
        assert_eq!(answers.len(), texts.len());
        for (text, answer) in texts.iter().zip(&answers) {
            let line = answer.to_string();
            let findings = super::answer(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
            let expected = compiled(text);
            assert!(!expected.is_empty(), "{text}");
            assert_eq!(findings, expected, "{text}");
        }
    }

    #[test]
    fn a_text_without_a_document_has_no_reasons() {
        let answers = ask(&question("5"));
        assert_eq!(answers, [json!({"findings": []})]);
    }

    #[test]
    fn questions_that_cannot_be_answered_get_an_error_and_the_next_is_answered() {
        let questions = [
            "not json\n".to_string(),
            json!({"schema": "0000000000000000", "text": "{}"}).to_string() + "\n",
            json!({"schema": fingerprint()}).to_string() + "\n",
            question("{"),
            question("{}"),
        ]
        .concat();
        let answers = ask(&questions);
        let errors: Vec<&str> = answers
            .iter()
            .filter_map(|a| a.get("error").and_then(Value::as_str))
            .collect();
        assert_eq!(errors.len(), 4, "{answers:?}");
        assert!(
            errors[0].starts_with("the question is not JSON"),
            "{}",
            errors[0]
        );
        assert!(
            errors[1].starts_with("the-helper ")
                && errors[1].contains("built from another route schema"),
            "{}",
            errors[1]
        );
        assert_eq!(errors[2], "the question has no `text` string");
        assert!(
            errors[3].starts_with("the text is not JSON"),
            "{}",
            errors[3]
        );
        let last = super::answer(&answers[4].to_string()).expect("answered");
        assert_eq!(last, compiled("{}"));
    }

    #[test]
    fn answers_that_are_not_findings_are_refused() {
        for (line, error) in [
            ("nope", "its answer is not JSON"),
            (r#"{"error": "no schema"}"#, "no schema"),
            (r#"{"error": 5}"#, "5"),
            ("{}", "its answer holds neither `findings` nor `error`"),
            (
                r#"{"findings": [{}]}"#,
                "a finding of its answer has no `rule` string",
            ),
            (
                r#"{"findings": [{"rule": "made-up", "pointer": "", "message": "m", "help": "h", "at_key": false}]}"#,
                "its answer names a rule there is not: `made-up`",
            ),
            (
                r#"{"findings": [{"rule": "schema", "pointer": "", "message": "m", "help": "h"}]}"#,
                "a finding of its answer has no `at_key` boolean",
            ),
        ] {
            let e = super::answer(line).expect_err(line);
            assert!(e.starts_with(error), "{line}: {e}");
        }
        let at_key = r#"{"findings": [{"rule": "schema", "pointer": "/a", "message": "m", "help": "h", "at_key": true}]}"#;
        assert_eq!(
            super::answer(at_key).expect("a finding"),
            [Finding::new("schema", "/a", "m", "h").at_key()]
        );
    }

    #[test]
    fn a_helper_that_is_not_there_is_named_and_the_error_kept() {
        static MISSING: Helper = Helper::beside_this_program("dynroute-no-such-helper", &[]);
        let parsed = parse::parse("{}").expect("JSON");
        let doc = document::extract(parsed.root()).expect("a document");
        for _ in 0..2 {
            let e = MISSING
                .explain("{}", &doc, &mut Vec::new())
                .expect_err("no helper");
            let message = e.to_string();
            assert!(
                message.starts_with(
                    "cannot say why the file does not match the route schema: \
                     dynroute-no-such-helper, which is installed beside this program, cannot \
                     be started ("
                ),
                "{message}"
            );
        }
    }
}

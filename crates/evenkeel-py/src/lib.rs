//! `evenkeel` for Python: the analyzer and the audit's conversation analysis and scorecards,
//! called natively. Nothing here decides what a reply means; it moves replies in (Python
//! strings, Arrow columns) and results out (the JSON contract of `evenkeel check`, Arrow
//! columns, the audit's partial aggregates), and releases the GIL while the analyzer runs on
//! every core.
//!
//! The Python package (`python/evenkeel`) wraps this module (`evenkeel._evenkeel`) with
//! docstrings, type stubs and the Spark job.

use arrow_array::builder::{Float64Builder, Int64Builder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, Int64Array, ListArray, RecordBatch, StringArray, StructArray};
use arrow_buffer::{NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_pyarrow::{PyArrowType, Table};
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use evenkeel_audit::conversation::TurnResult;
use evenkeel_audit::group::Conversation;
use evenkeel_audit::mapping::Mapping;
use evenkeel_audit::partial::{self, Row};
use evenkeel_audit::summary::{self, Aggregate, Input, Meta};
use evenkeel_audit::turn::{Source, Turn};
use evenkeel_core::{Analysis, Analyzer};
use evenkeel_model::{Engine, EngineKind};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyString};
use rayon::prelude::*;
use std::sync::{Arc, OnceLock};

/// Rows analysed together in one parallel step of `check_arrow` (bounds the memory held by
/// analyses waiting to be written into Arrow arrays).
const CHUNK: usize = 8192;

// ---------------------------------------------------------------------------------------
// Engines: built once per process and kind (compiling the rules and loading the model take
// about half a second), then shared by every call and thread.

static ENGINES: [OnceLock<Result<Engine, String>>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];

/// The kind the CLI uses when none is named: hybrid when the build embeds a model.
fn default_kind() -> EngineKind {
    static HAS_MODEL: OnceLock<bool> = OnceLock::new();
    if *HAS_MODEL.get_or_init(|| evenkeel_model::embedded::default_model().is_some()) {
        EngineKind::Hybrid
    } else {
        EngineKind::Rules
    }
}

fn kind_of(name: Option<&str>) -> PyResult<EngineKind> {
    match name {
        None => Ok(default_kind()),
        Some(s) => s.parse().map_err(PyValueError::new_err),
    }
}

fn engine(py: Python<'_>, name: Option<&str>) -> PyResult<&'static Engine> {
    let kind = kind_of(name)?;
    let slot = &ENGINES[kind as usize];
    let built = py.detach(|| {
        slot.get_or_init(|| {
            let model = if kind == EngineKind::Rules { None } else { evenkeel_model::embedded::default_model() };
            Engine::new(Analyzer::builtin(), model, kind).map_err(|e| format!("{e}: this build embeds no model; use engine=\"rules\""))
        })
    });
    built.as_ref().map_err(|e| PyValueError::new_err(e.clone()))
}

fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let loads = LOADS.get_or_try_init(py, || -> PyResult<Py<PyAny>> { Ok(py.import("json")?.getattr("loads")?.unbind()) })?;
    loads.bind(py).call1((text,))
}

// ---------------------------------------------------------------------------------------
// check, check_json, check_many

/// The analysis of one reply as the JSON of `evenkeel check --format json` (compact).
#[pyfunction]
#[pyo3(signature = (reply, customer=None, engine=None))]
fn check_json(py: Python<'_>, reply: &str, customer: Option<&str>, engine: Option<&str>) -> PyResult<String> {
    if reply.trim().is_empty() {
        return Err(PyValueError::new_err("the reply is empty: there is nothing to check"));
    }
    let e = self::engine(py, engine)?;
    Ok(py.detach(|| e.analyze(reply, customer).to_json()))
}

/// The analysis of one reply as Python objects (the JSON contract, parsed).
#[pyfunction]
#[pyo3(signature = (reply, customer=None, engine=None))]
fn check<'py>(py: Python<'py>, reply: &str, customer: Option<&str>, engine: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    let json = check_json(py, reply, customer, engine)?;
    json_loads(py, &json)
}

/// Strings out of a Python sequence, borrowed (no copy), with errors that name the item.
fn strings(items: &Bound<'_, PyAny>, what: &str, nullable: bool) -> PyResult<Vec<Option<PyBackedStr>>> {
    if items.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!("{what} must be a sequence of strings, not one string (use check() for one reply)")));
    }
    let mut out = Vec::with_capacity(items.len().unwrap_or(0));
    for (i, item) in items.try_iter().map_err(|_| PyTypeError::new_err(format!("{what} must be a sequence of strings")))?.enumerate() {
        let item = item?;
        if item.is_none() {
            if nullable {
                out.push(None);
                continue;
            }
            return Err(PyTypeError::new_err(format!("{what}[{i}] is None; every reply must be a string")));
        }
        match item.extract::<PyBackedStr>() {
            Ok(s) => out.push(Some(s)),
            Err(_) => {
                let ty = item.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
                let must = if nullable { "a string or None" } else { "a string" };
                return Err(PyTypeError::new_err(format!("{what}[{i}] must be {must}, not {ty}")));
            }
        }
    }
    Ok(out)
}

/// Many replies at once, on every core, the GIL released: a list of JSON strings, in order.
fn many_json(py: Python<'_>, replies: &Bound<'_, PyAny>, customers: Option<&Bound<'_, PyAny>>, engine: Option<&str>) -> PyResult<Vec<String>> {
    let e = self::engine(py, engine)?;
    let replies = strings(replies, "replies", false)?;
    let customers = match customers {
        None => None,
        Some(c) if c.is_none() => None,
        Some(c) => {
            let c = strings(c, "customers", true)?;
            if c.len() != replies.len() {
                return Err(PyValueError::new_err(format!("customers has {} items and replies {}; give one customer message (or None) per reply", c.len(), replies.len())));
            }
            Some(c)
        }
    };
    Ok(py.detach(|| {
        (0..replies.len())
            .into_par_iter()
            .with_min_len(16)
            .map(|i| {
                let reply: &str = replies[i].as_deref().expect("replies are never None");
                let customer: Option<&str> = customers.as_ref().and_then(|c| c[i].as_deref());
                e.analyze(reply, customer).to_json()
            })
            .collect()
    }))
}

/// `check_many`: a list of analyses (Python objects), in the order of the replies.
#[pyfunction]
#[pyo3(signature = (replies, customers=None, engine=None))]
fn check_many<'py>(py: Python<'py>, replies: &Bound<'py, PyAny>, customers: Option<&Bound<'py, PyAny>>, engine: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
    let jsons = many_json(py, replies, customers, engine)?;
    // One parse for the whole list: much cheaper than one call per reply.
    let mut all = String::with_capacity(jsons.iter().map(|j| j.len() + 1).sum::<usize>() + 2);
    all.push('[');
    for (i, j) in jsons.iter().enumerate() {
        if i > 0 {
            all.push(',');
        }
        all.push_str(j);
    }
    all.push(']');
    drop(jsons);
    json_loads(py, &all)
}

/// `check_many_json`: the JSON strings themselves (what `evenkeel check --jsonl` writes, less
/// `line` and `id`).
#[pyfunction]
#[pyo3(signature = (replies, customers=None, engine=None))]
fn check_many_json<'py>(py: Python<'py>, replies: &Bound<'py, PyAny>, customers: Option<&Bound<'py, PyAny>>, engine: Option<&str>) -> PyResult<Bound<'py, PyList>> {
    let jsons = many_json(py, replies, customers, engine)?;
    PyList::new(py, jsons)
}

// ---------------------------------------------------------------------------------------
// Arrow

/// A text column of any of Arrow's string layouts, read in place (no copy).
enum Text<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
}

impl<'a> Text<'a> {
    fn of(array: &'a ArrayRef, name: &str) -> PyResult<Text<'a>> {
        Ok(match array.data_type() {
            DataType::Utf8 => Text::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => Text::Large(array.as_string::<i64>()),
            DataType::Utf8View => Text::View(array.as_string_view()),
            other => return Err(PyTypeError::new_err(format!("column `{name}` holds {other}, not text (string, large_string or string_view)"))),
        })
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Text::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Text::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Text::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

fn finding_fields(with_rule: bool) -> Fields {
    let mut f = vec![
        Field::new("cue", DataType::Utf8, false),
        Field::new("side", DataType::Utf8, false),
        Field::new("severity", DataType::Utf8, false),
        Field::new("start", DataType::Int64, false),
        Field::new("end", DataType::Int64, false),
        Field::new("text", DataType::Utf8, false),
    ];
    if with_rule {
        f.push(Field::new("rule", DataType::Utf8, false));
    }
    f.into()
}

fn findings_type(with_rule: bool) -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Struct(finding_fields(with_rule)), false)))
}

/// Builds a `list<struct<cue, side, severity, start, end, text[, rule]>>` column row by row.
struct FindingsBuilder {
    with_rule: bool,
    offsets: Vec<i32>,
    valid: Vec<bool>,
    cue: StringBuilder,
    side: StringBuilder,
    severity: StringBuilder,
    start: Int64Builder,
    end: Int64Builder,
    text: StringBuilder,
    rule: StringBuilder,
}

impl FindingsBuilder {
    fn new(with_rule: bool) -> Self {
        FindingsBuilder {
            with_rule,
            offsets: vec![0],
            valid: Vec::new(),
            cue: StringBuilder::new(),
            side: StringBuilder::new(),
            severity: StringBuilder::new(),
            start: Int64Builder::new(),
            end: Int64Builder::new(),
            text: StringBuilder::new(),
            rule: StringBuilder::new(),
        }
    }

    fn push(&mut self, a: Option<&Analysis>) {
        let mut n = 0;
        if let Some(a) = a {
            for f in &a.findings {
                self.cue.append_value(f.cue.name());
                self.side.append_value(f.side.name());
                self.severity.append_value(f.severity.name());
                self.start.append_value(f.start as i64);
                self.end.append_value(f.end as i64);
                self.text.append_value(&f.text);
                if self.with_rule {
                    self.rule.append_value(&f.rule);
                }
                n += 1;
            }
        }
        let last = *self.offsets.last().expect("offsets start at 0");
        self.offsets.push(last + n);
        self.valid.push(a.is_some());
    }

    fn finish(mut self) -> PyResult<ArrayRef> {
        let mut children: Vec<ArrayRef> = vec![
            Arc::new(self.cue.finish()),
            Arc::new(self.side.finish()),
            Arc::new(self.severity.finish()),
            Arc::new(self.start.finish()),
            Arc::new(self.end.finish()),
            Arc::new(self.text.finish()),
        ];
        if self.with_rule {
            children.push(Arc::new(self.rule.finish()));
        }
        let fields = finding_fields(self.with_rule);
        let structs = StructArray::try_new(fields.clone(), children, None).map_err(arrow_err)?;
        let item = Arc::new(Field::new("item", DataType::Struct(fields), false));
        let nulls = NullBuffer::from(std::mem::take(&mut self.valid));
        let list = ListArray::try_new(item, OffsetBuffer::new(ScalarBuffer::from(self.offsets)), Arc::new(structs), Some(nulls)).map_err(arrow_err)?;
        Ok(Arc::new(list))
    }
}

fn arrow_err(e: arrow_schema::ArrowError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

const ADDED: [&str; 5] = ["stance", "empathy", "sympathy", "dismissive", "findings"];

/// `check_arrow`: the input table with the analysis columns added. The input columns are
/// passed back as they came (the same Arrow buffers); replies are read in place.
#[pyfunction]
#[pyo3(signature = (table, reply="reply", customer=None, engine=None))]
fn check_arrow(py: Python<'_>, table: &Bound<'_, PyAny>, reply: &str, customer: Option<&str>, engine: Option<&str>) -> PyResult<PyArrowType<Table>> {
    let e = self::engine(py, engine)?;
    let input: Table = PyArrowType::<Table>::extract(table.as_borrowed())
        .map_err(|err| PyTypeError::new_err(format!("expected a pyarrow.Table (or any object with __arrow_c_stream__): {err}")))?
        .0;
    let schema = input.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let find = |name: &str, what: &str| -> PyResult<usize> {
        schema.index_of(name).map_err(|_| PyValueError::new_err(format!("the table has no column `{name}` ({what}); it has: {}", names.join(", "))))
    };
    let reply_at = find(reply, "the replies; name it with reply=\"...\"")?;
    let customer_at = match customer {
        Some(c) => Some(find(c, "the customer messages, as customer=\"...\" says")?),
        None => None,
    };
    for f in [reply].into_iter().chain(customer) {
        let dt = schema.field(find(f, "")?).data_type();
        if !matches!(dt, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
            return Err(PyTypeError::new_err(format!("column `{f}` holds {dt}, not text (string, large_string or string_view)")));
        }
    }
    if let Some(clash) = ADDED.iter().find(|a| names.contains(a)) {
        return Err(PyValueError::new_err(format!("the table already has a column `{clash}`; check_arrow adds {}: rename or drop it first", ADDED.join(", "))));
    }
    let mut fields: Vec<Arc<Field>> = schema.fields().iter().cloned().collect();
    fields.push(Arc::new(Field::new("stance", DataType::Utf8, true)));
    for s in ["empathy", "sympathy", "dismissive"] {
        fields.push(Arc::new(Field::new(s, DataType::Float64, true)));
    }
    fields.push(Arc::new(Field::new("findings", findings_type(false), true)));
    let out_schema: SchemaRef = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));

    let (batches, _) = input.into_inner();
    let out: Vec<RecordBatch> = py.detach(|| {
        batches
            .iter()
            .map(|b| -> PyResult<RecordBatch> {
                let replies = Text::of(b.column(reply_at), reply)?;
                let customers = match (customer_at, customer) {
                    (Some(i), Some(name)) => Some(Text::of(b.column(i), name)?),
                    _ => None,
                };
                let n = b.num_rows();
                let mut stance = StringBuilder::new();
                let (mut emp, mut sym, mut dis) = (Float64Builder::with_capacity(n), Float64Builder::with_capacity(n), Float64Builder::with_capacity(n));
                let mut findings = FindingsBuilder::new(false);
                for start in (0..n).step_by(CHUNK) {
                    let end = (start + CHUNK).min(n);
                    let analyses: Vec<Option<Analysis>> = (start..end)
                        .into_par_iter()
                        .with_min_len(16)
                        .map(|i| replies.get(i).map(|r| e.analyze(r, customers.as_ref().and_then(|c| c.get(i)))))
                        .collect();
                    for a in &analyses {
                        stance.append_option(a.as_ref().map(|a| a.stance.name()));
                        emp.append_option(a.as_ref().map(|a| a.scores.empathy));
                        sym.append_option(a.as_ref().map(|a| a.scores.sympathy));
                        dis.append_option(a.as_ref().map(|a| a.scores.dismissive));
                        findings.push(a.as_ref());
                    }
                }
                let mut columns: Vec<ArrayRef> = b.columns().to_vec();
                columns.push(Arc::new(stance.finish()));
                columns.push(Arc::new(emp.finish()));
                columns.push(Arc::new(sym.finish()));
                columns.push(Arc::new(dis.finish()));
                columns.push(findings.finish()?);
                RecordBatch::try_new(out_schema.clone(), columns).map_err(arrow_err)
            })
            .collect::<PyResult<Vec<_>>>()
    })?;
    Ok(PyArrowType(Table::try_new(out, out_schema).map_err(arrow_err)?))
}

// ---------------------------------------------------------------------------------------
// The audit in pieces (Spark)

/// `--map` parsed as `evenkeel audit` parses it: a dict from part to column.
#[pyfunction]
fn parse_map(spec: &str) -> PyResult<Vec<(String, String)>> {
    let m = Mapping::parse(spec).map_err(PyValueError::new_err)?;
    Ok(evenkeel_audit::mapping::FIELDS.iter().map(|f| (f.to_string(), m.column(f).to_string())).collect())
}

/// The parts of a turn, in the order of `--map`; the Spark job names its columns so.
#[pyfunction]
fn turn_fields() -> Vec<&'static str> {
    evenkeel_audit::mapping::FIELDS.to_vec()
}

/// The schema of the per-turn results the [`Auditor`] returns.
fn results_schema() -> SchemaRef {
    let s = |n: &str| Field::new(n, DataType::Utf8, true);
    let i = |n: &str| Field::new(n, DataType::Int64, true);
    let f = |n: &str| Field::new(n, DataType::Float64, true);
    let b = |n: &str| Field::new(n, DataType::Boolean, true);
    Arc::new(Schema::new(vec![
        s("conversation"),
        i("turn"),
        s("role"),
        s("agent"),
        s("team"),
        s("time"),
        s("source_file"),
        i("source_line"),
        s("reply"),
        s("customer"),
        s("stance"),
        f("empathy"),
        f("sympathy"),
        f("dismissive"),
        s("customer_emotion"),
        b("customer_emotional"),
        b("acknowledged"),
        b("explored_before_solving"),
        b("emotion_rose"),
        Field::new("findings", findings_type(true), true),
        s("json"),
    ]))
}

/// Reads one partition of a turn table (sorted by file, conversation and row), analyses each
/// conversation with the audit's own code, and folds it into a partial aggregate.
#[pyclass(module = "evenkeel._evenkeel")]
struct Auditor {
    engine: &'static Engine,
    redact: bool,
    /// The conversation still being read: its turns may go on in the next batch.
    pending: Vec<Turn>,
    aggregate: Aggregate,
}

fn role_name(r: evenkeel_audit::Role) -> &'static str {
    match r {
        evenkeel_audit::Role::Customer => "customer",
        evenkeel_audit::Role::Agent => "agent",
        evenkeel_audit::Role::Bot => "bot",
        evenkeel_audit::Role::Unknown => "unknown",
    }
}

impl Auditor {
    fn analyse(&mut self, py: Python<'_>, conversations: Vec<Vec<Turn>>) -> PyResult<RecordBatch> {
        let (engine, redact) = (self.engine, self.redact);
        let done: Vec<(evenkeel_audit::conversation::ConversationResult, Vec<String>)> = py.detach(|| {
            conversations
                .into_par_iter()
                .filter_map(partial::conversation_of)
                .map(|c: Conversation| {
                    let r = partial::analyse(engine, &c, redact);
                    let lines = r.turns.iter().map(|t| serde_json::to_string(t).expect("a result serialises")).collect();
                    (r, lines)
                })
                .collect()
        });
        let mut rows: Vec<(&TurnResult, &str)> = Vec::new();
        for (r, lines) in &done {
            self.aggregate.add(r);
            rows.extend(r.turns.iter().zip(lines.iter().map(String::as_str)));
        }
        results_batch(&rows)
    }

    /// Takes the turns of the conversations completed so far (every one but the last).
    fn completed(&mut self, turns: Vec<Turn>, conversations: &mut Vec<Vec<Turn>>) {
        for t in turns {
            let same = self.pending.first().is_some_and(|p| p.conversation == t.conversation && p.source.file == t.source.file);
            if !same && !self.pending.is_empty() {
                conversations.push(std::mem::take(&mut self.pending));
            }
            self.pending.push(t);
        }
    }
}

#[pymethods]
impl Auditor {
    #[new]
    #[pyo3(signature = (engine=None, redact=false))]
    fn new(py: Python<'_>, engine: Option<&str>, redact: bool) -> PyResult<Auditor> {
        Ok(Auditor { engine: self::engine(py, engine)?, redact, pending: Vec::new(), aggregate: Aggregate::default() })
    }

    /// Reads a batch of turn rows (columns: the parts of `turn_fields()`, `_file` and `_row`)
    /// and returns the results of every conversation it completed.
    fn feed(&mut self, py: Python<'_>, batch: PyArrowType<RecordBatch>) -> PyResult<PyArrowType<RecordBatch>> {
        let b = batch.0;
        let schema = b.schema();
        let col = |name: &str| -> PyResult<Option<Text<'_>>> {
            match schema.index_of(name) {
                Ok(i) => Text::of(b.column(i), name).map(Some),
                Err(_) => Ok(None),
            }
        };
        let [conv, author, agent, team, time, text, public] = ["conversation", "author", "agent", "team", "time", "text", "public"].map(col);
        let (conv, author, agent, team, time, text, public) = (conv?, author?, agent?, team?, time?, text?, public?);
        let file = col("_file")?;
        let rows = match schema.index_of("_row") {
            Ok(i) => Some(b.column(i).as_any().downcast_ref::<Int64Array>().ok_or_else(|| PyTypeError::new_err("column `_row` must be int64"))?.clone()),
            Err(_) => None,
        };
        fn get<'a>(c: &Option<Text<'a>>, i: usize) -> Option<&'a str> {
            c.as_ref().and_then(|c| c.get(i))
        }
        let mut turns = Vec::with_capacity(b.num_rows());
        for i in 0..b.num_rows() {
            let row = Row {
                conversation: get(&conv, i),
                author: get(&author, i),
                agent: get(&agent, i),
                team: get(&team, i),
                time: get(&time, i),
                text: get(&text, i),
                public: get(&public, i),
            };
            let line = rows.as_ref().map_or(i as u64 + 1, |r| r.value(i) as u64);
            let source = Source { file: get(&file, i).unwrap_or("").to_string(), line };
            match partial::turn_from_row(&row, source) {
                None => {}
                Some(Ok(t)) => turns.push(t),
                Some(Err(m)) => self.aggregate.add_malformed(partial::malformed(m, self.redact)),
            }
        }
        let mut conversations = Vec::new();
        self.completed(turns, &mut conversations);
        Ok(PyArrowType(self.analyse(py, conversations)?))
    }

    /// Analyses the last conversation; call once, after the last batch.
    fn finish(&mut self, py: Python<'_>) -> PyResult<PyArrowType<RecordBatch>> {
        let last = std::mem::take(&mut self.pending);
        let conversations = if last.is_empty() { Vec::new() } else { vec![last] };
        Ok(PyArrowType(self.analyse(py, conversations)?))
    }

    /// This piece's aggregate, as JSON (merged by `summarize`).
    fn partial(&self) -> String {
        serde_json::to_string(&self.aggregate).expect("an aggregate serialises")
    }

    /// The schema of the results `feed` and `finish` return.
    #[staticmethod]
    fn results_schema() -> PyArrowType<Schema> {
        PyArrowType(results_schema().as_ref().clone())
    }
}

fn results_batch(rows: &[(&TurnResult, &str)]) -> PyResult<RecordBatch> {
    let n = rows.len();
    let strings = |f: &dyn Fn(&TurnResult) -> Option<String>| -> ArrayRef { Arc::new(rows.iter().map(|(t, _)| f(t)).collect::<StringArray>()) };
    let ints = |f: &dyn Fn(&TurnResult) -> i64| -> ArrayRef { Arc::new(rows.iter().map(|(t, _)| Some(f(t))).collect::<Int64Array>()) };
    let floats = |f: &dyn Fn(&TurnResult) -> f64| -> ArrayRef { Arc::new(rows.iter().map(|(t, _)| Some(f(t))).collect::<Float64Array>()) };
    let bools = |f: &dyn Fn(&TurnResult) -> Option<bool>| -> ArrayRef { Arc::new(rows.iter().map(|(t, _)| f(t)).collect::<BooleanArray>()) };
    let mut findings = FindingsBuilder::new(true);
    for (t, _) in rows {
        findings.push(Some(&t.analysis));
    }
    let mut json = StringBuilder::with_capacity(n, rows.iter().map(|(_, j)| j.len()).sum());
    for (_, j) in rows {
        json.append_value(j);
    }
    let columns: Vec<ArrayRef> = vec![
        strings(&|t| Some(t.conversation.clone())),
        ints(&|t| t.turn as i64),
        strings(&|t| Some(role_name(t.role).to_string())),
        strings(&|t| t.agent.clone()),
        strings(&|t| t.team.clone()),
        strings(&|t| t.time.clone()),
        strings(&|t| Some(t.source.file.clone())),
        ints(&|t| t.source.line as i64),
        strings(&|t| Some(t.reply.clone())),
        strings(&|t| t.customer.clone()),
        strings(&|t| Some(t.analysis.stance.name().to_string())),
        floats(&|t| t.analysis.scores.empathy),
        floats(&|t| t.analysis.scores.sympathy),
        floats(&|t| t.analysis.scores.dismissive),
        strings(&|t| t.analysis.customer_emotion.map(|e| e.name().to_string())),
        bools(&|t| Some(t.responsiveness.customer_emotional)),
        bools(&|t| t.responsiveness.acknowledged),
        bools(&|t| t.responsiveness.explored_before_solving),
        bools(&|t| t.responsiveness.emotion_rose),
        findings.finish()?,
        Arc::new(json.finish()),
    ];
    RecordBatch::try_new(results_schema(), columns).map_err(arrow_err)
}

/// Merges the pieces' aggregates and writes what `evenkeel audit` writes from its own:
/// `(summary.json, agents.csv, report.html)`.
#[pyfunction]
#[pyo3(signature = (partials, inputs, engine=None, redacted=false))]
fn summarize(py: Python<'_>, partials: Vec<PyBackedStr>, inputs: Vec<(String, String)>, engine: Option<&str>, redacted: bool) -> PyResult<(String, String, String)> {
    let kind = kind_of(engine)?;
    py.detach(|| {
        let mut all = Aggregate::default();
        for (i, p) in partials.iter().enumerate() {
            let a: Aggregate = serde_json::from_str(p).map_err(|e| PyValueError::new_err(format!("partial aggregate {i} cannot be read: {e}")))?;
            all.merge(&a);
        }
        let meta = Meta {
            evenkeel_version: env!("CARGO_PKG_VERSION").to_string(),
            engine: kind.name().to_string(),
            inputs: inputs.into_iter().map(|(file, format)| Input { file, format }).collect(),
            redacted,
        };
        let s = all.summary(meta);
        let json = serde_json::to_string_pretty(&s).expect("a summary serialises");
        let mut csv = Vec::new();
        summary::write_agents_csv(&s, &mut csv).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let html = evenkeel_audit::report::render(&s);
        Ok((json, String::from_utf8(csv).expect("CSV of UTF-8 text"), html))
    })
}

/// The name of the engine a name (or `None`, the default) selects.
#[pyfunction]
#[pyo3(signature = (engine=None))]
fn engine_name(engine: Option<&str>) -> PyResult<&'static str> {
    Ok(kind_of(engine)?.name())
}

#[pymodule]
fn _evenkeel(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(check_json, m)?)?;
    m.add_function(wrap_pyfunction!(check_many, m)?)?;
    m.add_function(wrap_pyfunction!(check_many_json, m)?)?;
    m.add_function(wrap_pyfunction!(check_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(parse_map, m)?)?;
    m.add_function(wrap_pyfunction!(turn_fields, m)?)?;
    m.add_function(wrap_pyfunction!(summarize, m)?)?;
    m.add_function(wrap_pyfunction!(engine_name, m)?)?;
    m.add_class::<Auditor>()?;
    Ok(())
}

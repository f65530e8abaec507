//! `evenkeel rewrite`: a sympathetic or dismissive reply, rewritten towards empathy.

use crate::setup;
use anyhow::{Context, Result};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The reply: a file, or `-` (the default) for standard input.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// The reply as text instead of a file.
    #[arg(long, conflicts_with = "file")]
    text: Option<String>,
    /// The customer's message the reply answers (the acknowledgment then fits their feeling).
    #[arg(long)]
    customer: Option<String>,
    /// `text` prints the rewritten reply; `json` adds what was removed, added and kept.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Let a language model draft the rewrite: an OpenAI-compatible endpoint, for example a
    /// local llama.cpp or Ollama server (`http://127.0.0.1:11434/v1`). The draft is used only if
    /// evenkeel reads it as empathetic and it keeps every fact; otherwise the deterministic
    /// rewrite is printed and the reason given.
    #[arg(long, value_name = "URL")]
    llm: Option<String>,
    /// The model name sent to the endpoint.
    #[arg(long, value_name = "NAME", default_value = "default", requires = "llm")]
    llm_model: String,
    /// Seconds to wait for the draft.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, requires = "llm")]
    llm_timeout: u64,
}

/// Asks an OpenAI-compatible chat endpoint for a draft.
fn draft(url: &str, model: &str, timeout: u64, reply: &str, customer: Option<&str>) -> Result<String, String> {
    let endpoint = if url.trim_end_matches('/').ends_with("/chat/completions") {
        url.to_string()
    } else {
        format!("{}/chat/completions", url.trim_end_matches('/'))
    };
    let user = match customer {
        Some(c) => format!("The customer's message:\n{c}\n\nThe reply to rewrite:\n{reply}"),
        None => format!("The reply to rewrite:\n{reply}"),
    };
    let body = serde_json::json!({
        "model": model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": evenkeel_coach::rewrite::LLM_INSTRUCTIONS},
            {"role": "user", "content": user},
        ],
    });
    let client = reqwest::blocking::Client::builder().timeout(std::time::Duration::from_secs(timeout)).build().map_err(|e| e.to_string())?;
    let response = client.post(&endpoint).json(&body).send().map_err(|e| format!("{endpoint}: {e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("{endpoint} answered {status}"));
    }
    let v: serde_json::Value = response.json().map_err(|e| format!("{endpoint}: not JSON ({e})"))?;
    v["choices"][0]["message"]["content"].as_str().map(str::to_string).ok_or_else(|| format!("{endpoint}: no choices[0].message.content in the answer"))
}

pub fn run(setup: &setup::Options, args: Args) -> Result<ExitCode> {
    let reply = match (&args.text, &args.file) {
        (Some(t), _) => t.clone(),
        (None, Some(p)) if p.as_os_str() != "-" => std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
        _ => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).context("cannot read standard input")?;
            s
        }
    };
    if reply.trim().is_empty() {
        anyhow::bail!("the reply is empty: pass a file, `-` with text on standard input, or --text");
    }
    let (engine, _) = setup::engine(setup)?;
    let reply = reply.trim_end();
    let customer = args.customer.as_deref();
    let r = match &args.llm {
        Some(url) => match draft(url, &args.llm_model, args.llm_timeout, reply, customer)
            .and_then(|d| evenkeel_coach::rewrite::accept_draft(&engine, reply, &d, customer))
        {
            Ok(r) => {
                eprintln!("note: the language model's draft was accepted (empathetic, every fact kept)");
                r
            }
            Err(why) => {
                eprintln!("note: the language model's draft was not used ({why}); this is evenkeel's own rewrite");
                evenkeel_coach::rewrite(&engine, reply, customer)
            }
        },
        None => evenkeel_coach::rewrite(&engine, reply, customer),
    };
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!("{}", r.text);
        if !r.lost.is_empty() {
            eprintln!("note: not carried over: {}", r.lost.join(", "));
        }
        if r.stance_after != evenkeel_core::Stance::Empathetic {
            eprintln!("note: evenkeel still reads the rewrite as {}; edit it by hand", r.stance_after.name());
        }
    }
    Ok(ExitCode::SUCCESS)
}

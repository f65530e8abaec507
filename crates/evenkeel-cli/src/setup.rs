//! Finding and applying `evenkeel.toml`, and building the analyzer from it.

use evenkeel_model::{Engine, EngineKind, Model};
use anyhow::{Context, Result};
use evenkeel_core::{Analyzer, AnalyzerBuilder, Config, BUILTIN_PACKS};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub struct Options {
    pub config: Option<PathBuf>,
    pub no_config: bool,
    pub rules_dir: Option<PathBuf>,
    /// `None`: hybrid when a model is available, else rules.
    pub engine: Option<EngineKind>,
    /// A model file instead of the embedded one.
    pub model: Option<PathBuf>,
    /// Override of the hybrid engine's threshold for adding a cue (for calibration runs).
    pub add_threshold: Option<f32>,
}

/// The configuration in effect and the file it came from (none: defaults).
pub struct Loaded {
    pub config: Config,
    pub path: Option<PathBuf>,
}

pub const CONFIG_FILE: &str = "evenkeel.toml";

pub fn load_config(opts: &Options) -> Result<Loaded> {
    let path = match (&opts.config, opts.no_config) {
        (Some(p), _) => Some(p.clone()),
        (None, true) => None,
        (None, false) => {
            let p = PathBuf::from(CONFIG_FILE);
            p.is_file().then_some(p)
        }
    };
    let Some(path) = path else {
        return Ok(Loaded { config: Config::default(), path: None });
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read configuration {}", path.display()))?;
    let config = Config::parse(&path.display().to_string(), &text).map_err(anyhow::Error::msg)?;
    Ok(Loaded { config, path: Some(path) })
}

/// Built-in packs (or their `--rules-dir` copies) plus the packs the configuration names.
pub fn builder(opts: &Options, loaded: &Loaded) -> Result<AnalyzerBuilder> {
    let mut b = AnalyzerBuilder::empty();
    for (file, src) in BUILTIN_PACKS {
        match &opts.rules_dir {
            Some(dir) => {
                let name = Path::new(file).file_name().expect("pack file name");
                let path = dir.join(name);
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read rule pack {}", path.display()))?;
                b.add_pack(&path.display().to_string(), &text)?;
            }
            None => {
                b.add_builtin_pack(file, src)?;
            }
        }
    }
    let base = loaded
        .path
        .as_ref()
        .and_then(|p| p.parent())
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for pack in &loaded.config.packs {
        let path = base.join(pack);
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!("cannot read rule pack {} (named in `packs` of the configuration)", path.display())
        })?;
        b.add_pack(&path.display().to_string(), &text)?;
    }
    let where_ = loaded
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| CONFIG_FILE.into());
    b.apply_config(&loaded.config)
        .map_err(|e| anyhow::anyhow!("{where_}: {e}"))?;
    Ok(b)
}

pub fn analyzer(opts: &Options) -> Result<(Analyzer, Loaded)> {
    let loaded = load_config(opts)?;
    let analyzer = builder(opts, &loaded)?.build().map_err(anyhow::Error::msg)?;
    Ok((analyzer, loaded))
}

/// The model to use: `--model FILE`, else the one embedded at build time (if any).
pub fn model(opts: &Options) -> Result<Option<Model>> {
    match &opts.model {
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read model {}", path.display()))?;
            let m = Model::from_bytes(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            Ok(Some(m))
        }
        None => Ok(evenkeel_model::embedded::default_model()),
    }
}

/// The analyzer wrapped in the engine the options ask for.
pub fn engine(opts: &Options) -> Result<(Engine, Loaded)> {
    let (analyzer, loaded) = analyzer(opts)?;
    let kind = opts.engine;
    let model = if kind == Some(EngineKind::Rules) { None } else { model(opts)? };
    let kind = match (kind, &model) {
        (Some(k), _) => k,
        (None, Some(_)) => EngineKind::Hybrid,
        (None, None) => EngineKind::Rules,
    };
    let mut engine = Engine::new(analyzer, model, kind)
        .map_err(|e| anyhow::anyhow!("{e}: this build embeds no model; pass --model FILE (see `evenkeel train`)"))?;
    if let Some(t) = opts.add_threshold {
        engine.add_threshold = t;
    }
    Ok((engine, loaded))
}

pub fn show(opts: &Options) -> Result<ExitCode> {
    let (analyzer, loaded) = analyzer(opts)?;
    match &loaded.path {
        Some(p) => println!("# configuration: {}", p.display()),
        None => println!("# configuration: none found ({CONFIG_FILE} in this folder); defaults"),
    }
    println!("{}", toml::to_string_pretty(&loaded.config)?.trim_end());
    println!("# {} packs, {} rules loaded:", analyzer.packs().len(), analyzer.rules().len());
    for (name, desc) in analyzer.packs() {
        let n = analyzer.rules().iter().filter(|r| r.id.starts_with(&format!("{name}."))).count();
        println!("#   {name:<22} {n:>3} rules  {desc}");
    }
    Ok(ExitCode::SUCCESS)
}

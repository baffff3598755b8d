//! Embeds the rule catalogue (`rules/catalogue/*.toml`) and reference data in the binary, so
//! `auditor check` needs no files beside it and adding a rule is adding a file.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // Read at run time, not baked in with env!: a build script compiled for one checkout (and
    // reused from a copied target directory) must still read this checkout's rules.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let root = Path::new(&manifest).join("../../rules");
    let catalogue = root.join("catalogue");
    println!("cargo:rerun-if-changed={}", catalogue.display());
    println!(
        "cargo:rerun-if-changed={}",
        root.join("reference").display()
    );
    let mut files: Vec<_> = std::fs::read_dir(&catalogue)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    let mut out = String::from(
        "/// (file name, contents) of every rule file.\npub const RULE_FILES: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("catalogue.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        println!("cargo:warning=cannot write {}: {e}", dest.display());
    }
}

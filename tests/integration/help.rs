//! What the binary says about itself: each command's `--help` ends with
//! its own exit codes; completions and the man page come from the same
//! clap definitions and name every command.

use crate::util::screenkit;
use std::process::Command;

const COMMANDS: &[&str] = &[
    "check",
    "fix",
    "convert",
    "retime",
    "sync",
    "split-lang",
    "probe",
    "tracks",
    "extract",
    "cards",
    "new",
    "build",
    "verify",
    "copy",
    "completions",
    "man",
];

/// The "Exit codes:" block at the end of `screenkit CMD --help`.
fn exit_codes(cmd: &str) -> String {
    let run = screenkit([cmd, "--help"]);
    run.code(0);
    let at = run
        .stdout
        .find("Exit codes:")
        .unwrap_or_else(|| panic!("{cmd} --help has no exit codes:\n{}", run.stdout));
    run.stdout[at..].to_string()
}

#[test]
fn each_command_gives_its_own_exit_codes() {
    // (command, words its block must have, words foreign to it)
    let subtitle = ["non-subtitle", "kit", "clip", "cards", "SHA-256"];
    let kit = ["subtitle", "--force", "--drop-negative", "fit"];
    let table: &[(&str, &[&str], &[&str])] = &[
        (
            "check",
            &["errors were found", "non-subtitle"],
            &["cards.toml", "fix", "--force"],
        ),
        (
            "fix",
            &["left", "--force", "--clip"],
            &["kit", "cards", "fit", "SHA-256"],
        ),
        (
            "convert",
            &["converted", "no cues"],
            &["kit", "cards", "clip", "\n  1 "],
        ),
        ("retime", &["--drop-negative"], &subtitle[1..]),
        ("sync", &["fit", "speech"], &["kit", "cards", "SHA-256"]),
        (
            "split-lang",
            &["FILE.en.srt", "Chinese", "--force"],
            &["kit", "cards", "clip", "fit"],
        ),
        (
            "probe",
            &["clip", "media"],
            &["subtitle", "kit", "cards", "SHA-256", "--force"],
        ),
        (
            "tracks",
            &["no subtitle track", "MKV/WebM"],
            &["kit", "cards", "SHA-256", "--force"],
        ),
        (
            "extract",
            &["OCR", "--track/--lang", "--force"],
            &["kit", "cards", "SHA-256", "fit"],
        ),
        ("cards", &["cards.toml"], &kit),
        ("new", &["created"], &[&kit[..], &["\n  1 "]].concat()),
        (
            "build",
            &["zip", "--force builds"],
            &["subtitle", "--drop-negative", "fit"],
        ),
        ("verify", &["SHA-256"], &kit),
        (
            "copy",
            &["read back", "--replace", "refused"],
            &["subtitle", "--force", "--drop-negative", "fit"],
        ),
        (
            "completions",
            &["script", "shell"],
            &[&kit[..], &["kit", "\n  1 "]].concat(),
        ),
        (
            "man",
            &["man page"],
            &[&kit[..], &["kit", "\n  1 "]].concat(),
        ),
    ];
    assert_eq!(table.len(), COMMANDS.len());
    let mut seen = Vec::new();
    for (cmd, has, foreign) in table {
        let block = exit_codes(cmd);
        for w in *has {
            assert!(block.contains(w), "{cmd}: {w:?} missing from\n{block}");
        }
        for w in *foreign {
            assert!(
                !block.contains(w),
                "{cmd}: {w:?} is foreign to it:\n{block}"
            );
        }
        assert!(
            block.contains("\n  0 ") && block.contains("\n  2 "),
            "{cmd}:\n{block}"
        );
        assert!(
            !seen.contains(&block),
            "{cmd} shares another command's block"
        );
        seen.push(block);
    }
    // The top-level help speaks for every command and says where the rest is.
    let top = screenkit(["--help"]);
    assert!(
        top.code(0)
            .stdout
            .contains("Each command's --help gives its own.")
    );
}

#[test]
fn bash_completion_is_valid_and_names_every_command() {
    let run = screenkit(["completions", "bash"]);
    run.code(0);
    for cmd in COMMANDS {
        assert!(
            run.stdout.contains(&format!("screenkit,{cmd})")),
            "{cmd} missing from the bash script"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("screenkit.bash");
    std::fs::write(&script, &run.stdout).unwrap();
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        syntax.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&syntax.stderr)
    );
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let run = screenkit(["completions", shell]);
        assert!(
            run.code(0).stdout.contains("screenkit") && run.stdout.contains("verify"),
            "{shell}"
        );
    }
    assert_eq!(screenkit(["completions", "tcsh"]).code, 2);
}

/// `man -l` renders `page` to text, or None when man is not installed (it
/// is not in every container; the roff headers are checked anyway).
fn rendered(page: &str) -> Option<String> {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("page.1");
    std::fs::write(&file, page).unwrap();
    let out = Command::new("man")
        .arg("-l")
        .arg(&file)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "man -l: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn man_pages_name_every_command_and_render() {
    let run = screenkit(["man"]);
    run.code(0);
    let page = &run.stdout;
    assert!(page.contains(".TH screenkit 1"), "{page}");
    for cmd in COMMANDS {
        assert!(
            // roff escapes every hyphen, the command's own too.
            page.contains(&format!("screenkit\\-{}(1)", cmd.replace('-', "\\-"))),
            "{cmd} missing from the man page"
        );
    }
    if let Some(text) = rendered(page) {
        assert!(text.contains("screenkit-verify(1)"), "{text}");
    }
    // Each page the top one refers to exists.
    for cmd in COMMANDS {
        let run = screenkit(["man", cmd]);
        let page = &run.code(0).stdout;
        assert!(page.contains(&format!(".TH screenkit-{cmd} 1")), "{page}");
        assert!(page.contains("Exit codes:"), "{cmd}: {page}");
        if let Some(text) = rendered(page) {
            assert!(
                text.starts_with(&format!("screenkit-{cmd}(1)")) && text.contains("NAME"),
                "{text}"
            );
        }
    }
    let run = screenkit(["man", "nope"]);
    assert!(
        run.code(2).stderr.contains("no command 'nope'"),
        "{}",
        run.stderr
    );
}

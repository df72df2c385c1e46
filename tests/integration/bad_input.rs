//! Bad input: a clear message naming the file, exit 2, never a panic,
//! never a partial output file.

use crate::util::{fixture, screenkit};

#[test]
fn unreadable_inputs_exit_2_with_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.srt");
    std::fs::write(&empty, b"").unwrap();
    let binary = tmp.path().join("photo.srt");
    std::fs::write(&binary, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10").unwrap();
    let missing = tmp.path().join("nope.srt");
    let dangling = tmp.path().join("link.srt");
    #[cfg(unix)]
    std::os::unix::fs::symlink(tmp.path().join("gone"), &dangling).unwrap();
    let cases = [
        (tmp.path().to_path_buf(), "is a directory"),
        (empty, "file is empty (0 bytes)"),
        (binary, "binary file"),
        (missing, "no such file"),
        (dangling, "no such file"),
    ];
    for (path, why) in &cases {
        for cmd in [
            vec!["check"],
            vec!["check", "--json"],
            vec!["fix"],
            vec!["convert", "--to", "vtt"],
        ] {
            let out = tmp.path().join("out.txt");
            let mut args: Vec<std::ffi::OsString> = cmd.iter().map(Into::into).collect();
            args.push(path.into());
            if cmd[0] != "check" {
                args.extend(["-o".into(), out.clone().into()]);
            }
            let run = screenkit(&args);
            assert_eq!(run.code, 2, "{cmd:?} {}: {run:?}", path.display());
            let want = format!("screenkit: {}: ", path.display());
            assert!(
                run.stderr.starts_with(&want) && run.stderr.contains(why),
                "{cmd:?}: {}",
                run.stderr
            );
            assert!(!run.stderr.contains("panicked"));
            assert!(!out.exists(), "{cmd:?} left an output file");
        }
    }
}

#[test]
fn bad_flags_and_clips_exit_2() {
    let clean = fixture("srt/defects/clean.srt");
    let run = screenkit([
        "check".as_ref(),
        "--profile".as_ref(),
        "hollywood".as_ref(),
        clean.as_os_str(),
    ]);
    run.code(2);
    let run = screenkit([
        "check".as_ref(),
        "--clip".as_ref(),
        clean.as_os_str(),
        clean.as_os_str(),
    ]);
    assert!(run.code(2).stderr.contains("--clip"), "{}", run.stderr);
    screenkit(["frobnicate"]).code(2);
}

#[test]
fn help_documents_exit_codes() {
    for args in [
        vec!["--help"],
        vec!["check", "--help"],
        vec!["fix", "--help"],
    ] {
        let run = screenkit(&args);
        run.code(0);
        assert!(
            run.stdout.contains("Exit codes:") && run.stdout.contains("2  could not run"),
            "{args:?}"
        );
    }
}

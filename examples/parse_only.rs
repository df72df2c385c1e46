//! Profile helper: parse one file N times (`cargo run --release --example parse_only -- FILE N`).
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: parse_only FILE [N]");
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20);
    let bytes = std::fs::read(&path).expect("read");
    let d = screenkit::subtitle::decode::decode_vec(bytes, None).expect("decode");
    let mut cues = 0;
    for _ in 0..n {
        let t = screenkit::subtitle::parse::parse(&d.text, d.source.clone());
        cues += t.cues.len();
    }
    println!("{cues}");
}

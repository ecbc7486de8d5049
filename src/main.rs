#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    grantlint::cli::run()
}

fn main() -> std::process::ExitCode {
    grantlint::cli::run()
}

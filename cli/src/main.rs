fn main() {
    std::process::exit(schemalock_cli::main());
}

import ArgumentParser

@main
struct Pieuvre: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pieuvre",
        abstract: "Phone provisioning for a hosted-telephony platform.",
        subcommands: [Serve.self, Migrate.self, Doctor.self, Simulate.self, Backup.self, Restore.self, Demo.self, TFTPBenchServer.self],
        defaultSubcommand: Serve.self
    )
}

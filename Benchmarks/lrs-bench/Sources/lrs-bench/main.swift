import ArgumentParser
import NIOCore
import NIOPosix

// The load generator shares the machine's cores with the server, so it runs everything, Swift
// concurrency included, on NIO's event loop threads (one by default): no hops between Swift's
// global pool and the loop that owns the sockets. This must happen before anything async, hence
// here and not in a command (`--threads` is read from the arguments by hand).
let threads: Int = {
    let arguments = CommandLine.arguments
    if let index = arguments.firstIndex(of: "--threads"), index + 1 < arguments.count, let count = Int(arguments[index + 1]), count > 0 {
        return count
    }
    if let option = arguments.first(where: { $0.hasPrefix("--threads=") }), let count = Int(option.dropFirst("--threads=".count)), count > 0 {
        return count
    }
    return 1
}()
NIOSingletons.groupLoopCountSuggestion = threads
let installedExecutor = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
LRSBenchCommand.executorNote = installedExecutor ? "nio-event-loops" : "swift-global-pool"

// Inside an async function, where the asynchronous entry point wins (top-level code would pick
// ParsableCommand's synchronous one).
func start() async {
    await LRSBenchCommand.main(nil)
}
await start()

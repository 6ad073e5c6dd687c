import Hummingbird

/// Hummingbird's request metrics (count and duration by route and status) for everything but
/// the phones' files: those are counted by outcome and transport with counters made once
/// (`pieuvre_phone_files_total`), since building labelled metrics on every request cost the
/// phone path about a tenth of its rate (bench-provisioning: 0.16x -> 0.14x nginx).
struct RouteMetricsMiddleware: RouterMiddleware {
    typealias Context = PieuvreRequestContext
    private let inner = MetricsMiddleware<PieuvreRequestContext>()

    func handle(_ request: Request, context: PieuvreRequestContext, next: (Request, PieuvreRequestContext) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/sip-ps/") { return try await next(request, context) }
        return try await inner.handle(request, context: context, next: next)
    }
}

package io.gatewaystack.servlet;

import io.gatewaystack.core.RequestIds;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.HeaderField;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.Pipeline;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * GatewayStack in front of a servlet application: runs one chain of {@link Layer}s (typically audit, identity,
 * policy, limits) over each request, answers a rejection with the contract's JSON error, and otherwise passes the
 * request on with the verified identity attached ({@link GatewayStackRequest}). When the exchange has ended
 * (including asynchronous servlet requests) it runs the chain's completion phase once, so audit and limits see
 * the status the application answered with.
 *
 * <p>Threads: a layer that answers {@link Verdict#await} continues on its own executor; the container thread waits
 * for the chain, but never longer than {@link FilterSettings#awaitTimeout()}. Past that the client gets 503
 * {@code unavailable} at once, and the chain's completion phase runs when the late chain finishes (so a limit it
 * took is released and the audit trail still gets the request).
 *
 * <p>The filter does not read request bodies: the application reads its own. Chains with a {@code ReadBody} layer
 * (and so the transform layer) belong in the gateway server, not here.
 */
public final class GatewayStackFilter implements Filter {

    private static final System.Logger LOG = System.getLogger(GatewayStackFilter.class.getName());
    private static final GatewayError TIMED_OUT = GatewayError.of(ErrorCode.UNAVAILABLE,
            "The request could not be checked in time; try again later.");
    private static final GatewayError FAILED = GatewayError.of(ErrorCode.INTERNAL_ERROR,
            "The request could not be processed.");
    /** Stands for "the waiting thread gave up" in the verdict future. */
    private static final Verdict ABANDONED = Verdict.reject(TIMED_OUT);

    private final Pipeline pipeline;
    private final FilterSettings settings;
    private final ErrorWriter errors;
    private final RequestIds requestIds = new RequestIds();

    /**
     * @param layers   the chain, in order (put audit first so its completion sees every outcome)
     * @param settings wait bound and excluded paths
     * @param realm    the {@code realm} named in {@code WWW-Authenticate} challenges, or null
     */
    public GatewayStackFilter(List<? extends Layer> layers, FilterSettings settings, String realm) {
        this.pipeline = new Pipeline(layers, (layer, phase, error) -> LOG.log(System.Logger.Level.ERROR,
                "layer " + layer.name() + " failed in its " + phase + " phase", error));
        this.settings = Objects.requireNonNull(settings, "settings");
        this.errors = new ErrorWriter(realm);
    }

    public GatewayStackFilter(List<? extends Layer> layers) {
        this(layers, FilterSettings.defaults(), null);
    }

    /** The layers this filter runs, in order. */
    public List<Layer> layers() {
        return pipeline.layers();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        // Error pages, forwards and async re-dispatches belong to a request the chain has already seen.
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || req.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(req, res);
            return;
        }
        String pathProblem = PathGuard.problemWith(request.getRequestURI());
        if (pathProblem != null) {
            // Refused before any decision (and so before the audit layer): see PathGuard.
            response.setHeader("X-Request-Id", requestIds.idFor(request.getHeader("X-Request-Id")));
            errors.write(response, GatewayError.of(ErrorCode.INVALID_REQUEST, pathProblem));
            return;
        }
        String appPath = appPath(request);
        if (settings.excludes(appPath) || isCorsPreflight(request)) {
            chain.doFilter(req, res);
            return;
        }
        String requestId = requestIds.idFor(request.getHeader("X-Request-Id"));
        RequestContext ctx = RequestContext.builder()
                .requestId(requestId)
                .method(request.getMethod())
                .path(request.getRequestURI())
                .query(request.getQueryString())
                .remoteAddress(request.getRemoteAddr())
                .headers(request::getHeader) // servlet header names are case-insensitive already
                .routeName(appPath)
                .build();
        response.setHeader("X-Request-Id", requestId);

        Verdict verdict = runChain(ctx);
        if (verdict == ABANDONED) {
            // The late chain finishes the exchange's bookkeeping (see runChain); only the answer is ours.
            errors.write(response, TIMED_OUT);
            return;
        }
        for (HeaderField h : ctx.responseHeaders()) {
            response.addHeader(h.name(), h.value());
        }
        if (verdict.isRejected()) {
            try {
                errors.write(response, verdict.rejection());
            } finally {
                finish(ctx, verdict.rejection().status());
            }
            return;
        }
        passOn(new GatewayStackRequest(request, ctx), response, chain, ctx);
    }

    /**
     * Runs the request phase and waits (bounded) for its verdict. The verdict future is completed exactly once:
     * by the chain, or by this thread with {@link #ABANDONED} when the wait runs out; whichever loses knows.
     */
    private Verdict runChain(RequestContext ctx) {
        CompletableFuture<Verdict> outcome = new CompletableFuture<>();
        pipeline.run(ctx, v -> {
            if (!outcome.complete(v)) {
                // Too late: the client already got 503; record that, then release what the chain took.
                ctx.rejection(TIMED_OUT);
                finish(ctx, TIMED_OUT.status());
            }
        });
        Verdict now = outcome.getNow(null);
        if (now != null) {
            return now; // the common case: every layer answered synchronously
        }
        try {
            return outcome.get(settings.awaitTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return outcome.complete(ABANDONED) ? ABANDONED : outcome.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return outcome.complete(ABANDONED) ? ABANDONED : outcome.join();
        } catch (ExecutionException e) {
            return Verdict.reject(FAILED); // the pipeline never completes exceptionally; fail closed regardless
        }
    }

    private void passOn(GatewayStackRequest request, HttpServletResponse response, FilterChain chain,
                        RequestContext ctx) throws IOException, ServletException {
        boolean async = false;
        try {
            chain.doFilter(request, response);
            if (request.isAsyncStarted()) {
                // The application answers later (DeferredResult, SSE): completion waits for the async end.
                request.getAsyncContext().addListener(new AsyncCompletion(ctx, response));
                async = true;
            }
        } catch (IOException | ServletException | RuntimeException | Error e) {
            ctx.failure(GatewayError.of(ErrorCode.INTERNAL_ERROR, "The application failed."));
            finish(ctx, 500);
            throw e;
        }
        if (!async) {
            finish(ctx, response.getStatus());
        }
    }

    /** Records how the exchange ended and runs the completion phase (audit, limit releases). */
    private void finish(RequestContext ctx, int status) {
        String error = ctx.rejection() != null ? ctx.rejection().code().code()
                : ctx.failure() != null ? ctx.failure().code().code() : null;
        ctx.complete(status, error);
        pipeline.complete(ctx);
    }

    /**
     * A browser's CORS preflight carries no credentials by design (Fetch standard); the application's CORS handling
     * answers it without running a handler, so it passes like an excluded path. The real request that follows is
     * checked as usual.
     */
    static boolean isCorsPreflight(HttpServletRequest request) {
        return "OPTIONS".equals(request.getMethod()) && request.getHeader("Origin") != null
                && request.getHeader("Access-Control-Request-Method") != null;
    }

    /**
     * Path inside the application, decoded and normalised by the container (servlet path plus path info): what
     * excluded paths and policy {@code route} rules are written against, and what the container dispatches on.
     */
    static String appPath(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }

    /** Completion of an asynchronous exchange: exactly once, whichever async event comes first. */
    private final class AsyncCompletion implements AsyncListener {
        private final RequestContext ctx;
        private final HttpServletResponse response;
        private final AtomicBoolean done = new AtomicBoolean();

        AsyncCompletion(RequestContext ctx, HttpServletResponse response) {
            this.ctx = ctx;
            this.response = response;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            end(response.getStatus());
        }

        // Timeout and error are followed by the container's own onComplete (after the error page): the status
        // is only final there, so these only note what happened.
        @Override
        public void onTimeout(AsyncEvent event) {
            ctx.failure(GatewayError.of(ErrorCode.UNAVAILABLE, "The application did not answer in time."));
        }

        @Override
        public void onError(AsyncEvent event) {
            ctx.failure(GatewayError.of(ErrorCode.INTERNAL_ERROR, "The application failed."));
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this); // a re-started async cycle still ends here
        }

        private void end(int status) {
            if (done.compareAndSet(false, true)) {
                finish(ctx, status);
            }
        }
    }
}

package io.gatewaystack.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

/**
 * A CEL expression (Google's cel-java) over the same facts as the declarative conditions, compiled and type-checked
 * once when the policy loads. Variables: {@code identity}, {@code resource}, {@code content}, {@code request}
 * (maps; a missing fact is an absent key) and {@code now} (a timestamp). The result must be a bool.
 */
final class CelCondition implements Condition {

    // Immutable and thread-safe, so shared by every policy set.
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .addVar("identity", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("resource", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("content", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("request", MapType.create(SimpleType.STRING, SimpleType.DYN))
            .addVar("now", SimpleType.TIMESTAMP)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setResultType(SimpleType.BOOL)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private final String expression;
    private final CelRuntime.Program program;

    private CelCondition(String expression, CelRuntime.Program program) {
        this.expression = expression;
        this.program = program;
    }

    /** Compiles the expression; the exception's message is CEL's own error text. */
    static CelCondition compile(String expression) throws InvalidExpressionException {
        try {
            CelValidationResult result = COMPILER.compile(expression);
            if (result.hasError()) {
                throw new InvalidExpressionException(result.getErrorString());
            }
            CelAbstractSyntaxTree ast = result.getAst();
            return new CelCondition(expression, RUNTIME.createProgram(ast));
        } catch (CelValidationException e) {
            throw new InvalidExpressionException(e.getMessage());
        } catch (CelEvaluationException e) {
            throw new InvalidExpressionException(e.getMessage());
        }
    }

    @Override
    public boolean test(PolicyInput input) {
        try {
            return Boolean.TRUE.equals(program.eval(input.celVariables()));
        } catch (CelEvaluationException | RuntimeException e) {
            throw new PolicyEvaluationException("CEL expression failed: " + expression + ": " + e.getMessage(), e);
        }
    }

    /** A CEL expression that does not parse or type-check. */
    static final class InvalidExpressionException extends Exception {
        InvalidExpressionException(String message) {
            super(message);
        }
    }
}

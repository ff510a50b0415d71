// Runs the Berkeley reference implementation's parser and type checker on many files
// in one JVM, for chocopy-gen's front-end oracle (crates/gen/src/reference.rs).
// Started with the reference's class path in Java's single-file source mode.
//
// Reads one path per line on stdin (each file read as `chocopy-ref` reads it: without
// a final line terminator, then a newline); writes PATH.r.json (the parser's JSON AST, as
// `chocopy-ref --pass=r` prints it) and PATH.rr.json (the typed AST after the type
// checker, as `--pass=rr`; the parser's AST when it has syntax errors), then prints
// a line "ok" (or "failed: ...") on stdout. It also writes PATH.tokens, the lexer's
// tokens, one per line: SYMBOL, left line, left column, right line, right column and
// the text a syntax error shows for it (the value of an UNRECOGNIZED token, else the
// lexer's yytext() right after the token was scanned; \ \n \t \r escaped), tab
// separated.
import chocopy.common.astnodes.Program;
import chocopy.reference.ChocoPyLexer;
import chocopy.reference.ChocoPyTokens;
import java_cup.runtime.ComplexSymbolFactory.ComplexSymbol;
import java_cup.runtime.Symbol;
import java.io.StringReader;
import chocopy.reference.RefAnalysis;
import chocopy.reference.RefParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public class RefBatch {
    static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    }

    static String tokens(String src) throws Exception {
        ChocoPyLexer lexer = new ChocoPyLexer(new StringReader(src));
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < 10000000; n++) {
            Symbol s = lexer.next_token();
            ComplexSymbol c = (ComplexSymbol) s;
            String text = s.sym == ChocoPyTokens.UNRECOGNIZED ? (String) s.value : lexer.yytext();
            out.append(ChocoPyTokens.terminalNames[s.sym]).append('\t')
                .append(c.xleft == null ? 0 : c.xleft.getLine()).append('\t')
                .append(c.xleft == null ? 0 : c.xleft.getColumn()).append('\t')
                .append(c.xright == null ? 0 : c.xright.getLine()).append('\t')
                .append(c.xright == null ? 0 : c.xright.getColumn()).append('\t')
                .append(esc(text)).append('\n');
            if (s.sym == ChocoPyTokens.EOF) break;
        }
        return out.toString();
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            try {
                // Read as chocopy-ref reads its input: up to the end but for a final
                // line terminator, then a newline.
                java.util.Scanner scanner = new java.util.Scanner(new java.io.File(line));
                scanner.useDelimiter("\\Z");
                String src = scanner.hasNext() ? scanner.next() + "\n" : "";
                scanner.close();
                Program p = RefParser.process(src, false);
                Files.writeString(Path.of(line + ".r.json"), p.toJSON());
                if (!p.hasErrors()) {
                    p = RefAnalysis.process(p);
                }
                Files.writeString(Path.of(line + ".rr.json"), p.toJSON());
                Files.writeString(Path.of(line + ".tokens"), tokens(src));
                System.out.println("ok");
            } catch (Throwable t) {
                System.out.println("failed: " + t.toString().replace('\n', ' '));
            }
            System.out.flush();
        }
    }
}

//! The hidden `metadata-check FILE --write-large OUT [--mb N]`: writes FILE again with about N MB
//! (default 40) of unrelated Graph-like types around its own, so that a run can be measured on a
//! document of the real one's size (`/usr/bin/time -v cargo xtask metadata-check OUT`) and a test
//! can show that the result does not change. Half the filler goes inside the `microsoft.graph`
//! schema (which the check reads type by type), half into schemas of their own.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

/// Writes the padded document; the exit is 2 with a message when it cannot.
pub(super) fn run(input: &Path, out: &Path, extra: &[(String, String)]) -> ExitCode {
    let mb = match extra.iter().find(|(flag, _)| flag == "--mb") {
        Some((_, n)) => match n.parse::<usize>() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("metadata-check: --mb takes a whole number, not `{n}`");
                return ExitCode::from(2);
            }
        },
        None => 40,
    };
    match write(input, out, mb * 1024 * 1024) {
        Ok(bytes) => {
            println!("wrote {bytes} bytes to {}", out.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("metadata-check: {message}");
            ExitCode::from(2)
        }
    }
}

/// Writes `input` to `out` with about `size` bytes of filler; returns the bytes written.
fn write(input: &Path, out: &Path, size: usize) -> Result<u64, String> {
    let text = std::fs::read_to_string(input)
        .map_err(|e| format!("{}: cannot read: {e}", input.display()))?;
    let services = after(&text, "<edmx:DataServices>")
        .ok_or_else(|| format!("{}: no `<edmx:DataServices>`", input.display()))?;
    let graph = text
        .find("<Schema Namespace=\"microsoft.graph\"")
        .and_then(|start| text[start..].find('>').map(|end| start + end + 1))
        .unwrap_or(services);
    let file = File::create(out).map_err(|e| format!("{}: cannot write: {e}", out.display()))?;
    let mut w = BufWriter::new(file);
    let half = size / 2;
    let io = |e: std::io::Error| format!("{}: cannot write: {e}", out.display());
    let (first, second) = if graph < services {
        (graph, services)
    } else {
        (services, graph)
    };
    w.write_all(&text.as_bytes()[..first]).map_err(io)?;
    filler(&mut w, half, first == services, 0).map_err(io)?;
    w.write_all(&text.as_bytes()[first..second]).map_err(io)?;
    filler(&mut w, half, second == services, 1).map_err(io)?;
    w.write_all(&text.as_bytes()[second..]).map_err(io)?;
    w.flush().map_err(io)?;
    std::fs::metadata(out)
        .map(|m| m.len())
        .map_err(|e| format!("{}: {e}", out.display()))
}

fn after(text: &str, tag: &str) -> Option<usize> {
    text.find(tag).map(|i| i + tag.len())
}

/// About `size` bytes of types; `schemas`: wrapped in schemas of their own (else bare types).
fn filler(w: &mut impl Write, size: usize, schemas: bool, part: usize) -> std::io::Result<()> {
    let mut written = 0;
    let mut n = 0;
    while written < size {
        let mut chunk = String::new();
        if schemas {
            chunk.push_str(&format!(
                "    <Schema Namespace=\"microsoft.graph.filler{part}x{n}\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n"
            ));
        }
        for t in 0..50 {
            let name = format!("filler{part}x{n}t{t}");
            chunk.push_str(&format!(
                "      <EntityType Name=\"{name}\" BaseType=\"graph.entity\">\n\
                 \x20       <Property Name=\"displayName\" Type=\"Edm.String\" />\n\
                 \x20       <Property Name=\"createdDateTime\" Type=\"Edm.DateTimeOffset\" Nullable=\"false\" />\n\
                 \x20       <Property Name=\"count\" Type=\"Edm.Int64\" Nullable=\"false\" />\n\
                 \x20       <Property Name=\"tags\" Type=\"Collection(Edm.String)\" Nullable=\"false\" />\n\
                 \x20       <Property Name=\"state\" Type=\"graph.{name}State\" />\n\
                 \x20       <NavigationProperty Name=\"items\" Type=\"Collection(graph.{name})\" ContainsTarget=\"true\" />\n\
                 \x20       <Annotation Term=\"Org.OData.Core.V1.Description\" String=\"A type that has nothing to do with Security Copilot &amp; is here for its size.\" />\n\
                 \x20     </EntityType>\n\
                 \x20     <EnumType Name=\"{name}State\">\n\
                 \x20       <Member Name=\"unknown\" Value=\"0\" />\n\
                 \x20       <Member Name=\"active\" Value=\"1\" />\n\
                 \x20       <Member Name=\"unknownFutureValue\" Value=\"2\" />\n\
                 \x20     </EnumType>\n\
                 \x20     <ComplexType Name=\"{name}Detail\" OpenType=\"true\">\n\
                 \x20       <Property Name=\"value\" Type=\"Edm.String\" />\n\
                 \x20     </ComplexType>\n"
            ));
        }
        if schemas {
            chunk.push_str("    </Schema>\n");
        }
        w.write_all(chunk.as_bytes())?;
        written += chunk.len();
        n += 1;
    }
    Ok(())
}

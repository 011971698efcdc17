using System.Text.RegularExpressions;
using System.Globalization;
using System.Net;
using System.Text;
using MLNetTransfer.Evaluation;
using MLNetTransfer.Experiments;

namespace MLNetTransfer.Reports;

/// <summary>
/// Renders a <see cref="RunReport"/> as one HTML file: pictures embedded as data URIs, charts as inline SVG, one
/// inline style sheet, and a few lines of inline script that only note whether the pictures loaded and the page fits
/// the window's width. Every string that
/// comes from the user or the file system is HTML-encoded.
/// </summary>
public static partial class HtmlReport
{
    public static string Render(RunReport report, string figuresFolder)
    {
        var html = new StringBuilder();
        var run = report.Run;
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(report.Experiment)}: MLNetTransfer report</title>
            <style>{Style}</style></head>
            <body><main>
            <h1>{E(report.Experiment)}</h1>
            """);
        if (report.Description is { } description) html.Append($"<p class=\"lead\">{E(description)}</p>");

        html.Append("<section><h2>Experiment</h2><table>");
        Row(html, "mode", ConfigJson.Name(run.Mode));
        Row(html, "backbone", run.Backbone.Name);
        Row(html, "seed", run.Seed.ToString(CultureInfo.InvariantCulture));
        if (run.Precision is { } precision) Row(html, "training precision", ConfigJson.Name(precision));
        Row(html, "heat-maps in model.zip", report.ModelHeatmap is [var rows, var columns]
            ? $"yes: the Heatmap column, Grad-CAM of the predicted class, {rows} x {columns}"
            : "no (set export.heatmap to add them)");
        Row(html, "status", run.Status);
        Row(html, "started (UTC)", run.StartedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        Row(html, "time taken", run.Seconds is { } s ? $"{s:0.0} s" : "");
        foreach (var (name, version) in run.Versions) Row(html, name, version);
        html.Append("</table></section>");

        html.Append("<section><h2>Dataset</h2><table><tr><th>class</th>");
        var sets = run.Dataset.Counts.Keys.ToList();
        foreach (var set in sets) html.Append($"<th>{E(set)}</th>");
        html.Append("</tr>");
        foreach (var c in run.Dataset.Classes)
        {
            html.Append($"<tr><td>{E(c)}</td>");
            foreach (var set in sets) html.Append($"<td class=\"n\">{run.Dataset.Counts[set].GetValueOrDefault(c)}</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
        html.Append($"<p>Fingerprint <code>{E(run.Dataset.Fingerprint[..16])}</code>. ");
        html.Append(run.Dataset.Skipped.Count == 0 ? "No file was skipped.</p>" : "</p>");
        Files(html, "skipped", "reason", run.Dataset.Skipped.Select(f => (f.Path, f.Reason)).ToList());
        Files(html, "used with a warning", "warning", run.Dataset.Warnings?.Select(f => (f.Path, f.Warning)).ToList() ?? []);
        html.Append("</section>");

        if (report.History.Count > 0)
            html.Append($"<section><h2>Training</h2><div class=\"charts\">{Charts.TrainingCurve(report.History, accuracy: false)}{Charts.TrainingCurve(report.History, accuracy: true)}</div></section>");
        if (report.LearningRateSweep is { } sweep)
            html.Append($"""
                <section><h2>Learning-rate finder</h2><p>Before training, the first phase's learning rate was swept from {sweep.Points[0].Rate:0.0e0} to
                {sweep.Points[^1].Rate:0.0e0} over {sweep.Points.Count} batches (<code>train --lr-find</code>; the weights were then put back as they were).
                The valley rule suggests <b data-metric="suggested-learning-rate" data-value="{N(sweep.Suggested)}">{sweep.Suggested:0.0e0}</b>: 45% of the way
                down the longest fall of the smoothed loss; the loss was lowest at {sweep.MinimumRate:0.0e0}.</p><div class="charts">{Charts.LearningRateSweep(sweep)}</div></section>
                """);

        Metrics(html, "Test set", "test", report.Test, MetricCharts(report.Roc.Count > 0 ? Charts.Roc(report.Roc, report.Test.Auc) : "", report.Test, report.TestBeforeScaling, "test"),
            report.TestBeforeScaling, report.Temperature);
        if (report.Validation is { } validation)
            Metrics(html, "Validation set", "validation", validation, MetricCharts("", validation, report.ValidationBeforeScaling, "validation"), report.ValidationBeforeScaling, report.Temperature);

        if (report.Unexplained is { } why)
            html.Append($"<section><h2>Where the model looks</h2><p>No heat-maps, activations or filter pictures for this run: {E(why)}</p></section>");
        if (report.LeftOut is { Count: > 0 } leftOut)
        {
            html.Append("<section><h2>Left out of the pictures</h2>");
            Files(html, "left out of the heat-maps, activations and filter pictures", "reason", leftOut.Select(f => (f.Path, f.Reason)).ToList());
            html.Append("</section>");
        }
        Examples(html, "Most confident mistakes", "None: every test image was classified right.", report.Mistakes, figuresFolder);
        Examples(html, "Least confident right answers", "None.", report.LeastConfident, figuresFolder);
        Suspects(html, report, figuresFolder);

        if (report.Quality is { } quality)
            html.Append($"""
                <section><h2>Where the model looks: {E(quality.Method)} quality</h2>
                <p>Over {quality.Images} test images at layer <code>{E(quality.Layer)}</code>: blurring the 20% of pixels the map marks
                lowers the explained class's probability by <b data-metric="salient-drop" data-value="{N(quality.SalientDrop)}">{quality.SalientDrop:0.000}</b>
                on average; blurring 20% random pixels, by <b data-metric="random-drop" data-value="{N(quality.RandomDrop)}">{quality.RandomDrop:0.000}</b>.
                A map that finds what the model uses makes the first number the larger.</p>
                """);
        if (report.Quality is { RoadImages: > 0, RoadCombined: { } road, RoadMostRelevantFirst: { } morf, RoadLeastRelevantFirst: { } lerf } roadQuality)
            html.Append($"""
                <p>ROAD (remove and debias) on {roadQuality.RoadImages} of them: with 10% to 90% of the pixels removed in the map's order and filled in
                from their neighbours, so that the removal itself shows nothing, the probability falls by <b data-metric="road-morf" data-value="{N(morf)}">{morf:0.000}</b>
                when the most relevant go first and by <b data-metric="road-lerf" data-value="{N(lerf)}">{lerf:0.000}</b> when the least relevant do:
                a combined score of <b data-metric="road-combined" data-value="{N(road)}">{road:0.000}</b> (higher is more faithful).</p>
                """);
        if (report.Quality is { Localised: > 0, PeakInside: { } peak, HeatInside: { } heat, ObjectShare: { } share } localisation)
            html.Append($"""
                <p>On the {localisation.Localised} images whose object is known (masks or boxes beside the dataset): the map's peak lies on the object
                for <b data-metric="peak-inside" data-value="{N(peak)}">{peak:P1}</b> of them, and <b data-metric="heat-inside" data-value="{N(heat)}">{heat:P1}</b>
                of the heat falls on it, where the object covers {share:P1} of the image (what a flat map would score).</p>
                """);
        if (report.Quality is not null) html.Append("</section>");
        Ranking(html, report, figuresFolder);

        Figures(html, "Intermediate activations", "Each channel of a layer's output for one test image (viridis; each channel scaled on its own).", report, "activations", figuresFolder);
        Figures(html, "What filters respond to", "The first convolution's kernels as they are; then, from low to high stages, the images found by gradient ascent on a filter's mean activation (a 1/f Fourier search), each beside the test-image crops that excite the filter most.", report, "filters", figuresFolder);
        Figures(html, "Augmentation", "", report, "augmentation", figuresFolder);

        html.Append($"<section><h2>Config</h2><pre>{E(report.Config)}</pre></section>");
        html.Append("""
            </main>
            <script>
            window.addEventListener('load', function () {
              var images = document.images, loaded = 0;
              for (var i = 0; i < images.length; i++) if (images[i].complete && images[i].naturalWidth > 0) loaded++;
              document.body.setAttribute('data-images-loaded', loaded + '/' + images.length);
              document.body.setAttribute('data-fits-width', document.documentElement.scrollWidth <= window.innerWidth);
              // Sections scroll sideways rather than widen the page; a test wants none to need to.
              var wide = [];
              document.querySelectorAll('section').forEach(function (s) { if (s.scrollWidth > s.clientWidth + 1) wide.push(s.id); });
              document.body.setAttribute('data-overflowing', wide.join(' '));
            });
            </script>
            </body></html>
            """);
        return WithContents(html.ToString());
    }

    // Every section gets an id from its title, and a list of links to them goes under the page's heading.
    static string WithContents(string page)
    {
        var contents = new StringBuilder("<nav class=\"contents\" aria-label=\"Sections\"><ul>");
        var used = new HashSet<string>();
        var linked = SectionTitle().Replace(page, m =>
        {
            var title = m.Groups["title"].Value;
            var slug = Regex.Replace(WebUtility.HtmlDecode(Regex.Replace(title, "<[^>]+>", "")).ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
            var id = slug;
            for (var n = 2; !used.Add(id); n++) id = $"{slug}-{n}";
            contents.Append($"<li><a href=\"#{id}\">{title}</a></li>");
            return $"<section id=\"{id}\"><h2>{title}</h2>";
        });
        contents.Append("</ul></nav>");
        var heading = linked.IndexOf("</h1>", StringComparison.Ordinal) + "</h1>".Length;
        return linked.Insert(heading, contents.ToString());
    }

    [GeneratedRegex("<section><h2>(?<title>.*?)</h2>")]
    private static partial Regex SectionTitle();

    static void Files(StringBuilder html, string what, string column, IReadOnlyList<(string Path, string Text)> files)
    {
        if (files.Count == 0) return;
        html.Append($"<p>{files.Count} file(s) {what}:</p><table><tr><th>file</th><th>{column}</th></tr>");
        foreach (var (path, text) in files) html.Append($"<tr><td class=\"path\">{E(path)}</td><td>{E(text)}</td></tr>");
        html.Append("</table>");
    }

    // Beyond this many classes the numeric confusion table is too wide to read; the heat-map stands for it.
    const int MaxConfusionTable = 12;

    // The ROC curve, and the reliability diagram (before temperature scaling too, where the run has one).
    static string MetricCharts(string roc, EvaluationMetrics m, EvaluationMetrics? before, string set) =>
        roc.Length == 0 && m.Calibration is null ? ""
        : $"<div class=\"charts\">{roc}{(before?.Calibration is { } b ? Charts.Reliability(b, $"{set} before temperature scaling") : "")}{(m.Calibration is { } c ? Charts.Reliability(c, before is null ? set : $"{set} after temperature scaling") : "")}</div>";

    static void Metrics(StringBuilder html, string title, string set, EvaluationMetrics m, string chart, EvaluationMetrics? before, double? temperature)
    {
        // The tables side by side where the page is wide enough, one under the other on a phone.
        html.Append($"<section><h2>{title}</h2><div class=\"panels\"><table>");
        html.Append($"<tr><th>images</th><td class=\"n\" data-metric=\"{set}-count\" data-value=\"{m.Count}\">{m.Count}</td></tr>");
        html.Append($"<tr><th>accuracy</th><td class=\"n\" data-metric=\"{set}-accuracy\" data-value=\"{N(m.Accuracy)}\">{m.Accuracy:P1}</td></tr>");
        html.Append($"<tr><th>macro accuracy</th><td class=\"n\" data-metric=\"{set}-macro-accuracy\" data-value=\"{N(m.MacroAccuracy)}\">{m.MacroAccuracy:P1}</td></tr>");
        html.Append($"<tr><th>log-loss</th><td class=\"n\" data-metric=\"{set}-log-loss\" data-value=\"{N(m.LogLoss)}\">{m.LogLoss:0.000}</td></tr>");
        if (m.Auc is { } auc) html.Append($"<tr><th>ROC AUC</th><td class=\"n\" data-metric=\"{set}-auc\" data-value=\"{N(auc)}\">{auc:0.000}</td></tr>");
        foreach (var top in m.TopK ?? [])
            html.Append($"<tr><th>top-{top.K} accuracy</th><td class=\"n\" data-metric=\"{set}-top-{top.K}\" data-value=\"{N(top.Accuracy)}\">{top.Accuracy:P1}</td></tr>");
        if (m.Classes.Count > 2)
        {
            if (m.MacroF1 is { } macro) html.Append($"<tr><th>macro F1</th><td class=\"n\" data-metric=\"{set}-macro-f1\" data-value=\"{N(macro)}\">{macro:P1}</td></tr>");
            if (m.WeightedF1 is { } weighted) html.Append($"<tr><th>weighted F1</th><td class=\"n\" data-metric=\"{set}-weighted-f1\" data-value=\"{N(weighted)}\">{weighted:P1}</td></tr>");
            if (m.MeanAuc is { } mean) html.Append($"<tr><th>mean one-vs-rest AUC</th><td class=\"n\" data-metric=\"{set}-mean-auc\" data-value=\"{N(mean)}\">{mean:0.000}</td></tr>");
        }
        if (m.Calibration is { } calibration)
            html.Append($"<tr><th>expected calibration error ({Evaluation.Calibration.BinCount} bins)</th><td class=\"n\" data-metric=\"{set}-ece\" data-value=\"{N(calibration.ExpectedCalibrationError)}\">{calibration.ExpectedCalibrationError:0.000}</td></tr>");
        if (before is { Calibration: { } uncalibrated } && temperature is { } t)
        {
            html.Append($"<tr><th>temperature (fitted on the validation set)</th><td class=\"n\" data-metric=\"temperature\" data-value=\"{N(t)}\">{t:0.000}</td></tr>");
            html.Append($"<tr><th>expected calibration error before scaling</th><td class=\"n\" data-metric=\"{set}-ece-before\" data-value=\"{N(uncalibrated.ExpectedCalibrationError)}\">{uncalibrated.ExpectedCalibrationError:0.000}</td></tr>");
            html.Append($"<tr><th>log-loss before scaling</th><td class=\"n\" data-metric=\"{set}-log-loss-before\" data-value=\"{N(before.LogLoss)}\">{before.LogLoss:0.000}</td></tr>");
        }
        var perClassAuc = m.Classes.Count > 2 && m.PerClass.Any(c => c.Auc is not null);
        html.Append($"</table><table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th>{(perClassAuc ? "<th>AUC (one vs rest)</th>" : "")}<th>images</th></tr>");
        foreach (var c in m.PerClass)
            html.Append($"<tr><td>{E(c.Class)}</td><td class=\"n\">{c.Precision:P1}</td><td class=\"n\">{c.Recall:P1}</td><td class=\"n\">{c.F1:P1}</td>{(perClassAuc ? $"<td class=\"n\">{c.Auc:0.000}</td>" : "")}<td class=\"n\">{c.Support}</td></tr>");
        html.Append("</table>");
        if (m.MostConfused is { Count: > 0 } confused && m.Classes.Count > 2)
        {
            html.Append("<table class=\"confused\"><caption>Most confused: true class taken for another</caption><tr><th>true</th><th>predicted</th><th>images</th></tr>");
            foreach (var pair in confused) html.Append($"<tr><td>{E(pair.True)}</td><td>{E(pair.Predicted)}</td><td class=\"n\">{pair.Count}</td></tr>");
            html.Append("</table>");
        }
        if (m.Classes.Count > 2)
            html.Append($"<figure class=\"confusion-figure\">{Charts.ConfusionHeatmap(m.Classes, m.ConfusionMatrix)}<figcaption>Confusion matrix: rows are true classes, columns predicted ones; each row shaded by its share (blue right, red wrong)</figcaption></figure>");
        if (m.Classes.Count > MaxConfusionTable) { html.Append($"</div>{chart}</section>"); return; }
        html.Append("<table class=\"confusion\"><caption>Confusion matrix: rows are true classes, columns predicted ones</caption><tr><th></th>");
        foreach (var c in m.Classes) html.Append($"<th>{E(c)}</th>");
        html.Append("</tr>");
        for (var r = 0; r < m.Classes.Count; r++)
        {
            html.Append($"<tr><th>{E(m.Classes[r])}</th>");
            for (var c = 0; c < m.Classes.Count; c++)
                html.Append($"<td class=\"n{(r == c ? " diagonal" : "")}\" data-metric=\"{set}-confusion-{r}-{c}\" data-value=\"{m.ConfusionMatrix[r][c]}\">{m.ConfusionMatrix[r][c]}</td>");
            html.Append("</tr>");
        }
        html.Append($"</table></div>{chart}</section>");
    }

    static void Suspects(StringBuilder html, RunReport report, string figuresFolder)
    {
        if (report.Suspects is null) return;
        var lead = report.NoSuspects is { } why
            ? $"None: {E(why)}."
            : $"The training photos whose given label is least likely to heads trained without them ({OutOfFoldPredictions.Folds} folds on the backbone's features): " +
              $"where mislabelled photos hide. All are ranked in <code>{SuspectedMislabels.FileName}</code>; <code>mlnet-transfer suspects &lt;run&gt;</code> lists them.";
        Examples(html, "Suspected mislabels", lead, report.Suspects, figuresFolder, training: true);
    }

    static void Examples(StringBuilder html, string title, string lead, IReadOnlyList<ExampleImage> examples, string figuresFolder, bool training = false)
    {
        html.Append($"<section><h2>{title}</h2>");
        if (examples.Count == 0 || training) html.Append($"<p>{lead}</p>");
        var truth = training ? "given" : "true";
        html.Append("<div class=\"grid\">");
        foreach (var e in examples)
        {
            string Image(string overlay, string why) => overlay.Length == 0 ? ""
                : $"<img src=\"{DataUri(Path.Combine(figuresFolder, overlay))}\" alt=\"heat-map of {E(Path.GetFileName(e.Image))} {E(why)}\" title=\"{E(why)}\">";
            // A mistake shows where the model found its answer and where it found the true class, side by side.
            var pair = e.TrueClassOverlay.Length > 0;
            html.Append($"""
                <figure{(pair ? " class=\"pair\"" : "")}>{Image(e.Overlay, $"explaining {e.Predicted}, the prediction")}{(pair ? Image(e.TrueClassOverlay, $"explaining {e.Label}, the {truth} class") : "")}
                <figcaption><b>{E(Path.GetFileName(e.Image))}</b><br>{truth}: {E(e.Label)}{(e.LabelProbability is { } given ? $" ({given:P1})" : "")}, predicted: {E(e.Predicted)} ({e.Probability:P1}){(pair ? $"<br>left: where it saw {E(e.Predicted)}; right: where it saw {E(e.Label)}" : "")}</figcaption></figure>
                """);
        }
        html.Append("</div></section>");
    }

    static void Figures(StringBuilder html, string title, string text, RunReport report, string key, string figuresFolder)
    {
        if (!report.Figures.TryGetValue(key, out var figures) || figures.Count == 0) return;
        html.Append($"<section><h2>{title}</h2>");
        if (text.Length > 0) html.Append($"<p>{text}</p>");
        foreach (var f in figures)
            html.Append($"<figure class=\"wide\"><img src=\"{DataUri(Path.Combine(figuresFolder, f.File))}\" alt=\"{E(f.Caption)}\"><figcaption>{E(f.Caption)}</figcaption></figure>");
        html.Append("</section>");
    }

    static void Ranking(StringBuilder html, RunReport report, string figuresFolder)
    {
        if (report.Ranking is not { Count: > 0 } ranking) return;
        var first = ranking[0].Quality;
        var localised = ranking[0].LocalisationRank is not null;
        var rule = first.RoadCombined is not null ? "ROAD's combined score" : "the deletion test's drop for the map minus that for random pixels";
        html.Append($"""
            <section><h2>Which explanation to trust</h2>
            <p>{ranking.Count} heat-map methods on {first.Images} test images spread over the set, ranked by faithfulness ({rule}){(localised ? " and by the share of heat on the object, in the order of the sum of the two ranks" : "")}.
            The best here is <b data-metric="best-method" data-value="{E(ranking[0].Method)}">{E(ranking[0].Method)}</b>: <code>explain --method best</code> picks it.</p>
            <table><tr><th>rank</th><th>method</th><th>ROAD combined</th><th>ROAD most / least relevant first</th><th>deletion drop (map / random)</th>{(localised ? "<th>heat on the object</th><th>peak on the object</th>" : "")}</tr>
            """);
        foreach (var (r, place) in ranking.Select((r, i) => (r, i + 1)))
        {
            var m = r.Quality;
            html.Append($"<tr data-method=\"{E(m.Method)}\"><td class=\"n\">{place}</td><td>{E(m.Method)}</td>");
            html.Append($"<td class=\"n\" data-metric=\"rank-road-{E(m.Method)}\" data-value=\"{(m.RoadCombined is { } c ? N(c) : "")}\">{m.RoadCombined:0.000}</td>");
            html.Append($"<td class=\"n\">{m.RoadMostRelevantFirst:0.000} / {m.RoadLeastRelevantFirst:0.000}</td><td class=\"n\">{m.SalientDrop:0.000} / {m.RandomDrop:0.000}</td>");
            if (localised) html.Append($"<td class=\"n\">{m.HeatInside:P1}</td><td class=\"n\">{m.PeakInside:P0}</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
        if (report.Figures.TryGetValue("ranking", out var pairs) && pairs.Count > 0)
        {
            html.Append("<p>The main method's maps beside those of the best other method:</p><div class=\"grid\">");
            foreach (var f in pairs)
                html.Append($"<figure><img src=\"{DataUri(Path.Combine(figuresFolder, f.File))}\" alt=\"{E(f.Caption)}\"><figcaption>{E(f.Caption)}</figcaption></figure>");
            html.Append("</div>");
        }
        html.Append("</section>");
    }

    static void Row(StringBuilder html, string name, string value) => html.Append($"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>");

    static string DataUri(string png) => "data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(png));

    static string E(string text) => WebUtility.HtmlEncode(text);

    static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    const string Style = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #222; background: #fafafa; }
        main { max-width: 1280px; margin: 0 auto; padding: 1rem; }
        section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 0.5rem 1rem 1rem; margin: 1rem 0; overflow-x: auto; }
        table { border-collapse: collapse; margin: 0.5rem 0; }
        th, td { border-bottom: 1px solid #eee; padding: 0.25rem 0.6rem; text-align: left; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        td.diagonal { background: #e8f4e8; }
        caption { text-align: left; color: #555; padding: 0.25rem 0; }
        .lead { color: #444; }
        nav.contents ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; padding: 0; margin: 0.5rem 0; list-style: none; }
        nav.contents a { color: #2a5db0; text-decoration: none; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(180px, 100%), 1fr)); gap: 0.75rem; }
        .grid figure { margin: 0; min-width: 0; }
        .grid figure.pair { display: flex; flex-wrap: wrap; gap: 4px; }
        @media (min-width: 600px) { .grid figure.pair { grid-column: span 2; } }
        .grid figure.pair img { width: calc(50% - 2px); }
        .grid figure.pair figcaption { width: 100%; }
        td.path { overflow-wrap: anywhere; }
        svg.confusion-heatmap { max-width: 100%; height: auto; }
        figure.confusion-figure { margin: 0.5rem 0; max-width: min(100%, 34rem); }
        figure.wide { margin: 0.5rem 0; }
        img { max-width: 100%; height: auto; display: block; }
        .charts { display: flex; flex-wrap: wrap; gap: 0.5rem; }
        .charts svg { flex: 0 1 560px; max-width: 100%; height: auto; }
        .panels { display: flex; flex-wrap: wrap; gap: 0 2.5rem; align-items: flex-start; }
        .panels > * { max-width: 100%; }
        pre { white-space: pre-wrap; word-break: break-word; font-size: 0.85rem; }
        @media (max-width: 600px) {
          main { padding: 0.25rem; } section { padding: 0.25rem 0.5rem 0.5rem; } th, td { padding: 0.2rem 0.3rem; }
          /* The ranking's seven columns fit a phone in a smaller type, their headings wrapping. */
          table { font-size: 0.75rem; } th { overflow-wrap: anywhere; hyphens: auto; }
        }
        """;
}

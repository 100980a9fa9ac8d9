// Scenario runs: post the form, follow the run's progress (server-sent events), show the result.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("run-form");
    if (!form) { return; }
    var out = document.getElementById("progress"), result = document.getElementById("run-result");
    var button = document.getElementById("run-button");
    form.addEventListener("submit", function (evt) {
      evt.preventDefault();
      button.disabled = true;
      out.textContent = "Starting…";
      result.innerHTML = "";
      fetch(form.action, {method: "POST", body: new FormData(form), headers: {Accept: "application/json"}})
        .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, d: d}; }); })
        .then(function (x) {
          if (!x.ok) { throw new Error(x.d.error ? x.d.error.message : "the run did not start"); }
          var run = x.d.run, source = new EventSource(run.progress_url);
          source.addEventListener("progress", function (e) {
            var p = JSON.parse(e.data);
            out.textContent = p.message + " · " + p.seconds + " s";
          });
          source.addEventListener("failed", function (e) {
            source.close(); button.disabled = false;
            out.textContent = "The run failed: " + JSON.parse(e.data).error;
          });
          source.addEventListener("done", function (e) {
            source.close(); button.disabled = false;
            out.textContent = "Done in " + JSON.parse(e.data).seconds + " s.";
            htmx.ajax("GET", run.result_url, {target: "#run-result", select: "#run-body", swap: "innerHTML"});
          });
        })
        .catch(function (err) { button.disabled = false; out.textContent = String(err.message || err); });
    });
  });
})();

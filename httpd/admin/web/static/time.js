// provbox admin UI: show every <time datetime=...> in the browser's own
// time zone, naming the zone. The server writes UTC; without script the
// UTC text stays. Self-hosted, no inline script: the CSP stays strict.
"use strict";
(function () {
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function local(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }
  function offset(d) {
    var m = -d.getTimezoneOffset(), s = m < 0 ? "-" : "+";
    m = Math.abs(m);
    return "UTC" + s + pad(Math.floor(m / 60)) + ":" + pad(m % 60);
  }
  function rewrite() {
    var ts = document.querySelectorAll("time[datetime]");
    for (var i = 0; i < ts.length; i++) {
      var d = new Date(ts[i].getAttribute("datetime"));
      if (isNaN(d.getTime())) { continue; }
      ts[i].textContent = local(d);
      ts[i].title = (zone ? zone + ", " : "") + offset(d);
      ts[i].classList.add("local");
    }
    var zs = document.querySelectorAll(".zone");
    for (var j = 0; j < zs.length; j++) {
      zs[j].textContent = "Times in " + (zone || "your zone") + " (" + offset(new Date()) + ").";
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", rewrite); } else { rewrite(); }
})();

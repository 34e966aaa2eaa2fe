// The sites' map (beneficiaries.views_sites.site_map): progressive enhancement of the list the
// page already shows. Reads the markers and the tiles' settings from json_script blocks; with no
// tiles URL, or tiles that do not load (no network), the markers are still drawn.
(function () {
  "use strict";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function start() {
    var element = document.getElementById("sites-map");
    var markers = read("sites-map-markers");
    var config = read("sites-map-config") || {};
    if (!element || !markers || typeof window.L === "undefined") {
      return;
    }
    var L = window.L;
    var map = L.map(element, { scrollWheelZoom: false });
    if (config.tiles) {
      L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution || "" }).addTo(map);
    }
    var bounds = [];
    markers.forEach(function (site) {
      var popup = document.createElement("div");
      var name = document.createElement("strong");
      name.textContent = site.name;
      popup.appendChild(name);
      if (site.people !== null && site.people !== undefined) {
        popup.appendChild(document.createElement("br"));
        popup.appendChild(
          document.createTextNode(site.people + " " + (element.dataset.peopleLabel || ""))
        );
      }
      popup.appendChild(document.createElement("br"));
      var link = document.createElement("a");
      link.href = site.url;
      link.textContent = element.dataset.openLabel || site.name;
      popup.appendChild(link);
      L.marker([site.lat, site.lng], { title: site.name, alt: site.name })
        .bindPopup(popup)
        .addTo(map);
      bounds.push([site.lat, site.lng]);
    });
    if (bounds.length) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    } else {
      // Île-de-France's inner ring (92, 93, 94).
      map.setView([48.86, 2.4], 10);
    }
    element.classList.add("ready");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

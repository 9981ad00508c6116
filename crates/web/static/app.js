// Laksana's pages work without this file; it adds the maps, "use my location" and the live service
// filter. No inline script anywhere: the Content-Security-Policy allows only files from this server.
(function () {
  "use strict";

  var COLOURS = { red: "#c62828", yellow: "#b7791f", green: "#2e7d32", grey: "#616161" };

  function tiles(el, map) {
    var url = el.getAttribute("data-tiles");
    if (!url) return;
    var layer = L.tileLayer(url, { maxZoom: 19, attribution: el.getAttribute("data-attribution") || "" });
    // Without tiles (offline, blocked) the points still show on a blank map, and the list remains.
    layer.addTo(map);
  }

  // Where a map opens: the jurisdiction's middle from data-center, else the whole country.
  function centre(el) {
    var c = (el.getAttribute("data-center") || "").split(",").map(parseFloat);
    return c.length === 2 && !isNaN(c[0]) && !isNaN(c[1]) ? { at: c, zoom: 12 } : { at: [-2.5, 118], zoom: 5 };
  }

  function homeMap() {
    var el = document.getElementById("map");
    if (!el || typeof L === "undefined") return;
    el.textContent = "";
    var c = centre(el);
    var map = L.map(el, { scrollWheelZoom: false }).setView(c.at, c.zoom);
    tiles(el, map);
    var layer = L.layerGroup().addTo(map);
    var first = true;
    function load() {
      var url = el.getAttribute("data-points") + "?bbox=" + encodeURIComponent(map.getBounds().toBBoxString());
      if (first) url = el.getAttribute("data-points");
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .then(function (data) {
          layer.clearLayers();
          var pins = [];
          (data.features || []).forEach(function (f) {
            var p = f.properties, c = f.geometry.coordinates;
            var m = L.circleMarker([c[1], c[0]], {
              radius: 8, weight: 2, color: "#fff", fillOpacity: 0.9,
              fillColor: COLOURS[p.colour] || COLOURS.grey
            });
            var box = document.createElement("div");
            var a = document.createElement("a");
            a.href = p.url;
            a.textContent = p.service + " (" + p.id + ")";
            var s = document.createElement("div");
            s.textContent = p.status + " · " + p.date;
            box.appendChild(a);
            box.appendChild(s);
            m.bindPopup(box);
            m.bindTooltip(p.status);
            m.addTo(layer);
            pins.push([c[1], c[0]]);
          });
          if (first && pins.length) map.fitBounds(pins, { maxZoom: 15, padding: [20, 20] });
          first = false;
        })
        .catch(function () { /* the list below the map still shows the reports */ });
    }
    map.on("moveend", function () { if (!first) load(); });
    load();
  }

  function pinMap() {
    var el = document.getElementById("pin-map");
    var lat = document.getElementById("lat"), lon = document.getElementById("lon");
    if (!el || !lat || !lon || typeof L === "undefined") return;
    var start = lat.value && lon.value ? [parseFloat(lat.value), parseFloat(lon.value)] : null;
    var c = centre(el);
    var map = L.map(el).setView(start || c.at, start ? 17 : c.zoom);
    tiles(el, map);
    var marker = null;
    function place(ll, zoom) {
      if (marker) marker.setLatLng(ll); else marker = L.marker(ll, { draggable: true, keyboard: true }).addTo(map);
      marker.off("dragend").on("dragend", function () { set(marker.getLatLng()); });
      set(ll);
      if (zoom) map.setView(ll, 17);
    }
    function set(ll) {
      lat.value = (ll.lat !== undefined ? ll.lat : ll[0]).toFixed(6);
      lon.value = (ll.lng !== undefined ? ll.lng : ll[1]).toFixed(6);
    }
    if (start) place(start, false);
    map.on("click", function (e) { place(e.latlng, false); });
    var locate = document.getElementById("locate");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          place(L.latLng(pos.coords.latitude, pos.coords.longitude), true);
        }, function () { locate.disabled = true; }, { enableHighAccuracy: true, timeout: 15000 });
      });
    }
  }

  function serviceFilter() {
    var input = document.querySelector("[data-filter]");
    if (!input) return;
    var box = document.getElementById(input.getAttribute("data-filter"));
    if (!box) return;
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase();
      box.querySelectorAll("li[data-words]").forEach(function (li) {
        li.hidden = q !== "" && li.getAttribute("data-words").toLowerCase().indexOf(q) < 0;
      });
      box.querySelectorAll("section.group").forEach(function (g) {
        g.hidden = !g.querySelector("li[data-words]:not([hidden])");
      });
    });
  }

  // The district upload's preview: the file's polygons on the map.
  function districtMap() {
    var el = document.getElementById("district-map");
    if (!el || typeof L === "undefined") return;
    var c = centre(el);
    var map = L.map(el).setView(c.at, c.zoom);
    tiles(el, map);
    try {
      // The file travels once, in the form that applies it.
      var text = document.getElementById("district-geojson");
      var layer = L.geoJSON(JSON.parse(text ? text.value : "null"), {
        style: { color: "#0b5cad", weight: 2, fillOpacity: 0.1 },
        onEachFeature: function (f, l) {
          // As text: a name in the file is never markup on the page.
          var tip = document.createElement("span");
          tip.textContent = (f.properties.code || "") + " " + (f.properties.name || "");
          l.bindTooltip(tip);
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
    } catch (e) { /* the table below lists the districts */ }
  }

  // The service editor: another blank question row, copied from the last one.
  function attributeRows() {
    var add = document.getElementById("add-attribute");
    var box = document.getElementById("attributes");
    if (!add || !box) return;
    add.hidden = false;
    add.addEventListener("click", function () {
      var rows = box.querySelectorAll("fieldset.attribute");
      var last = rows[rows.length - 1];
      var n = rows.length;
      var copy = last.cloneNode(true);
      copy.setAttribute("data-row", String(n));
      copy.querySelector("legend").textContent = last.querySelector("legend").textContent.replace(/\d+$/, String(n + 1));
      copy.querySelectorAll("[id], [name], label[for]").forEach(function (e) {
        ["id", "name", "for"].forEach(function (a) {
          var v = e.getAttribute(a);
          if (v) e.setAttribute(a, v.replace(/^a\d+_/, "a" + n + "_"));
        });
      });
      copy.querySelectorAll("input[type=text], input:not([type]), textarea").forEach(function (e) { e.value = ""; });
      copy.querySelectorAll("input[type=checkbox]").forEach(function (e) { e.checked = false; });
      var order = copy.querySelector("input[name$=_order]");
      if (order) order.value = String(n + 1);
      last.after(copy);
      copy.querySelector("input").focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    homeMap();
    pinMap();
    serviceFilter();
    districtMap();
    attributeRows();
  });
})();

// The page's live map (app/webmap/pagemap.py). One frame per basemap and number of panes (one map, or two synced
// maps side by side) stays in the browser across every change of view; a view sends only its style table,
// window.atlasView (pagemap.ViewStyle):
//
//   {geometry: URL of the regions' TopoJSON, fit: [[south, west], [north, east]],
//    panes: [{styles: {code: Leaflet path style}, tips: {code: tooltip HTML}, legend: legend HTML}, ...],
//    zoom: [the zoom-in button's name, the zoom-out button's] in the page's language}
//
// The shapes are fetched once per URL (a static file the browser may keep) and swapped in when a view names
// other ones (another level or area). The map fits the view's bounds only when they change (a new level, area
// or scatter selection): a restyle or a click never moves it. The legend goes where it hides no region: a corner
// the fitted regions leave free, or else a strip along the right or bottom edge that the fit keeps clear.
(function () {
  if (window.atlasPageMap) { return; }
  var PENDING = {fillColor: "#ffffff", fillOpacity: 0, color: "#999999", weight: 0.6};
  var HIGHLIGHT = {weight: 2.5, color: "#222222"};
  var EDGE = 10;  // px between the regions and the map's edge
  var FOOT = 30;  // px along the bottom for the scale bar (bottom left) and the attribution (bottom right)
  var CORNERS = ["bottomright", "topright", "bottomleft"];  // the zoom buttons hold the top left
  var STEP = 8;  // px between the points of a legend's box tested against the regions
  var MARGIN = 4;  // px kept clear around a legend
  var NARROW = 520;  // px: a map narrower than this (a phone) starts with its legends folded to their titles
  var panes = [];  // {map, layer, legend} per pane, left to right
  var features = {};  // geometry URL -> promise of {collection: GeoJSON FeatureCollection, shapes: see outline}
  var drawn = null;  // the geometry URL whose shapes are drawn
  var shapes = {};  // the drawn regions' outlines (see outline), for the legend's placement
  var fitted = null;  // the bounds last fitted, as JSON
  var framed = false;  // the map shows the last fit: the user has not moved it since
  var fitting = false;  // a fit is moving the map

  // Each region's rings (lng, lat) and bounding box, and a grid over all of them: the regions whose box meets each
  // cell. Enough to tell quickly whether a point lies in a region.
  var GRID = 32;
  function outline(collection) {
    var regions = collection.features.map(function (f) {
      var g = f.geometry, polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates, rings = [];
      var box = [Infinity, Infinity, -Infinity, -Infinity];
      polygons.forEach(function (polygon) {
        polygon.forEach(function (ring) {
          rings.push(ring);
          ring.forEach(function (c) {
            box = [Math.min(box[0], c[0]), Math.min(box[1], c[1]), Math.max(box[2], c[0]), Math.max(box[3], c[1])];
          });
        });
      });
      return {rings: rings, box: box};
    });
    var all = regions.reduce(function (b, r) {
      return [Math.min(b[0], r.box[0]), Math.min(b[1], r.box[1]), Math.max(b[2], r.box[2]), Math.max(b[3], r.box[3])];
    }, [Infinity, Infinity, -Infinity, -Infinity]);
    var cellW = (all[2] - all[0]) / GRID || 1, cellH = (all[3] - all[1]) / GRID || 1, cells = [];
    for (var i = 0; i < GRID * GRID; i++) { cells.push([]); }
    regions.forEach(function (r) {
      var x0 = Math.floor((r.box[0] - all[0]) / cellW), x1 = Math.min(GRID - 1, Math.floor((r.box[2] - all[0]) / cellW));
      var y0 = Math.floor((r.box[1] - all[1]) / cellH), y1 = Math.min(GRID - 1, Math.floor((r.box[3] - all[1]) / cellH));
      for (var x = x0; x <= x1; x++) { for (var y = y0; y <= y1; y++) { cells[y * GRID + x].push(r); } }
    });
    return {box: all, cellW: cellW, cellH: cellH, cells: cells};
  }

  // Even-odd ray casting over all of a region's rings (a hole is a ring inside another).
  function inside(lng, lat) {
    var x = Math.floor((lng - shapes.box[0]) / shapes.cellW), y = Math.floor((lat - shapes.box[1]) / shapes.cellH);
    if (!shapes.cells || x < 0 || y < 0 || x >= GRID || y >= GRID) { return false; }
    return shapes.cells[y * GRID + x].some(function (s) {
      if (lng < s.box[0] || lng > s.box[2] || lat < s.box[1] || lat > s.box[3]) { return false; }
      var odd = false;
      s.rings.forEach(function (ring) {
        for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          var a = ring[i], b = ring[j];
          if ((a[1] > lat) !== (b[1] > lat) && lng < (b[0] - a[0]) * (lat - a[1]) / (b[1] - a[1]) + a[0]) {
            odd = !odd;
          }
        }
      });
      return odd;
    });
  }

  function load(url) {
    if (!features[url]) {
      var pre = window.atlasRegions;  // static/atlas/regions-prefetch.js, started before Leaflet loaded
      var topology = pre && pre.url === url ? pre.topology : fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
        return r.json();
      });
      features[url] = topology.then(function (topo) {
        var collection = topojson.feature(topo, topo.objects.regions);
        return {collection: collection, shapes: outline(collection)};
      });
      features[url].catch(function () { delete features[url]; });
    }
    return features[url];
  }

  function paneView(index) {
    var v = window.atlasView;
    return (v && v.panes && v.panes[index]) || null;
  }

  function addPane(index, map) {
    var layer = L.geoJson(null, {
      style: function (f) {
        var p = paneView(index);
        return (p && p.styles[f.properties.adcode]) || PENDING;
      },
      onEachFeature: function (f, shape) {
        shape.on("mouseover", function () { shape.setStyle(HIGHLIGHT); });
        shape.on("mouseout", function () { layer.resetStyle(shape); });
      }
    }).addTo(map);
    // One tooltip for the whole layer, its text looked up when it opens.
    layer.bindTooltip(function (shape) {
      var p = paneView(index);
      return (p && p.tips[shape.feature.properties.adcode]) || "";
    }, {sticky: true, direction: "auto"});
    var legend = L.control({position: CORNERS[0]}), slot = L.DomUtil.create("div", "atlas-legend-slot");
    legend.onAdd = function () { return slot; };  // the same box whenever the legend moves to another corner
    L.DomEvent.disableClickPropagation(slot);  // folding the legend (a <details>) is not a click on the map
    legend.addTo(map);
    if (index > 0) {
      // streamlit-folium listens for clicks on the first map only: a click on another pane reaches it as one
      // on the first pane's regions, with the clicked shape (and its code) as the event's layer.
      layer.on("click", function (e) {
        panes[0].layer.fire("click", {latlng: e.latlng, layer: e.layer, sourceTarget: e.sourceTarget});
      });
    }
    // The iframe is laid out after the map is made: a map that still shows its fit is fitted again to its new
    // size; one the user has moved stays where it is.
    map.on("movestart zoomstart", function () { if (!fitting) { framed = false; } });
    map.on("resize", function () {
      if (drawn !== null && framed) {
        fitted = null;
        dress();
      }
    });
    panes[index] = {map: map, layer: layer, legend: legend};
    return layer;
  }

  // Where map.fitBounds(box, padding) would put the map: zoom and centre (Leaflet's own arithmetic).
  function framing(map, box, topLeft, bottomRight) {
    var zoom = map.getBoundsZoom(box, false, topLeft.add(bottomRight));
    var offset = bottomRight.subtract(topLeft).divideBy(2);
    var sw = map.project(box.getSouthWest(), zoom), ne = map.project(box.getNorthEast(), zoom);
    return {zoom: zoom, center: map.unproject(sw.add(ne).divideBy(2).add(offset), zoom)};
  }

  // The map at ``zoom`` with the regions' box moved from the middle of the room it leaves (t = 0) to the side
  // away from the legend's ``corner`` (t = 1), within ``topLeft`` / ``bottomRight`` of the edges.
  function placing(map, box, zoom, corner, t, topLeft, bottomRight) {
    var size = map.getSize();
    var sw = map.project(box.getSouthWest(), zoom), ne = map.project(box.getNorthEast(), zoom);
    var room = size.subtract(topLeft).subtract(bottomRight).subtract([ne.x - sw.x, sw.y - ne.y]);
    var dx = corner.indexOf("right") >= 0 ? -1 : 1, dy = corner.indexOf("bottom") >= 0 ? -1 : 1;
    var at = L.point(topLeft.x + room.x / 2 * (1 + dx * t), topLeft.y + room.y / 2 * (1 + dy * t));  // box's top left
    var middle = at.add([(ne.x - sw.x) / 2, (sw.y - ne.y) / 2]);
    var center = sw.add(ne).divideBy(2).add(size.divideBy(2)).subtract(middle);
    return {zoom: zoom, center: map.unproject(center, zoom)};
  }

  // Where each pane's legend would be at each corner: its box and a margin of MARGIN px around it, in its map's
  // container pixels (measured once per fit: moving a legend makes the browser lay the page out again).
  function legendBoxes() {
    var boxes = {};
    CORNERS.forEach(function (corner) {
      boxes[corner] = panes.map(function (p) {
        p.legend.setPosition(corner);
        var r = p.legend.getContainer().getBoundingClientRect(), m = p.map.getContainer().getBoundingClientRect();
        return [r.left - m.left - MARGIN, r.top - m.top - MARGIN, r.right - m.left + MARGIN, r.bottom - m.top + MARGIN];
      }).filter(function (box) { return box[2] - box[0] > 2 * MARGIN; });
    });
    return boxes;
  }

  // Whether legends at ``boxes`` would hide a region with the map at ``frame``: points of each box tested against
  // the regions' outlines, every 4 * STEP px first (most overlaps show there), then every STEP px.
  function hides(map, frame, boxes) {
    var origin = map.project(frame.center, frame.zoom).subtract(map.getSize().divideBy(2));
    return boxes.some(function (b) {
      for (var step = 4 * STEP; step >= STEP; step /= 4) {
        for (var x = b[0]; x < b[2] + step; x += step) {
          for (var y = b[1]; y < b[3] + step; y += step) {
            var at = map.unproject(origin.add([Math.min(x, b[2]), Math.min(y, b[3])]), frame.zoom);
            if (inside(at.lng, at.lat)) { return true; }
          }
        }
      }
      return false;
    });
  }

  // Fit the map to ``bounds`` as large as it goes with the legend hiding no region: the legend in a corner the
  // regions leave free, the regions moved away from it or the map zoomed out a step at a time as far as a strip
  // along the right or bottom edge would need; false when the map has no room yet.
  function fit(bounds) {
    var map = panes[0].map, box = L.latLngBounds(bounds), w = 0, h = 0;
    map.invalidateSize({pan: false});
    var size = map.getSize();
    var topLeft = L.point(EDGE, EDGE), plain = L.point(EDGE, FOOT);
    if (size.x <= 2 * EDGE + 1 || size.y <= EDGE + FOOT + 1) { return false; }
    panes.forEach(function (p) {
      p.legend.setPosition(CORNERS[0]);
      var el = p.legend.getContainer();
      w = Math.max(w, el.offsetWidth);
      h = Math.max(h, el.offsetHeight);
    });
    var right = L.point(w + 2 * EDGE, FOOT), below = L.point(EDGE, h + FOOT + EDGE);
    var room = function (pad) { return size.x > topLeft.x + pad.x && size.y > topLeft.y + pad.y; };
    var zRight = room(right) ? map.getBoundsZoom(box, false, topLeft.add(right)) : -Infinity;
    var zBelow = room(below) ? map.getBoundsZoom(box, false, topLeft.add(below)) : -Infinity;
    var largest = map.getBoundsZoom(box, false, topLeft.add(plain)), strip = Math.max(zRight, zBelow);
    var step = map.options.zoomSnap || 0.25, boxes = legendBoxes();
    for (var zoom = largest; zoom >= (isFinite(strip) ? strip : largest) - 1e-9; zoom -= step) {
      for (var t = 0; t <= 1; t += 0.5) {  // the regions as near the middle as they can be
        for (var c = 0; c < CORNERS.length; c++) {
          var frame = placing(map, box, zoom, CORNERS[c], t, topLeft, plain);
          if (!hides(map, frame, boxes[CORNERS[c]])) {
            panes.forEach(function (p) { p.legend.setPosition(CORNERS[c]); });
            return show(map, frame);
          }
        }
      }
    }
    // No free place (a legend larger than the room): the strip that leaves the regions larger, or the plain fit.
    panes.forEach(function (p) { p.legend.setPosition(CORNERS[0]); });
    var pad = zBelow > zRight ? below : right;
    return show(map, framing(map, box, topLeft, isFinite(strip) ? pad : plain));
  }

  function show(map, frame) {
    fitting = true;
    map.setView(frame.center, frame.zoom, {animate: false});
    fitting = false;
    framed = true;
    return true;
  }

  // Leaflet's stylesheet places the legend's corners: streamlit-folium adds it as the map is made, so the first
  // fit waits until it applies.
  function styled() {
    var link = document.querySelector("link[href*='leaflet.css']");
    if (!link || link.sheet) { return Promise.resolve(); }
    return new Promise(function (resolve) {
      link.addEventListener("load", resolve);
      link.addEventListener("error", resolve);
    });
  }

  // The legends, and the fit when the view's bounds are new (the fit measures the legends and the regions).
  function dress() {
    var v = window.atlasView;
    panes.forEach(function (p, i) {
      var pane = paneView(i), slot = p.legend.getContainer();
      slot.innerHTML = pane ? pane.legend : "";
      if (p.map.getSize().x < NARROW) {
        slot.querySelectorAll("details").forEach(function (d) { d.open = false; });
      }
      // Leaflet names its zoom buttons in English; the view names them in the page's language.
      (v.zoom || []).forEach(function (text, k) {
        var button = p.map.getContainer().querySelector(k ? ".leaflet-control-zoom-out" : ".leaflet-control-zoom-in");
        if (button) { button.title = text; button.setAttribute("aria-label", text); }
      });
    });
    var key = JSON.stringify(v.fit || null);
    if (v.fit && key !== fitted && fit(v.fit)) { fitted = key; }
  }

  function draw() {
    dress();
    panes.forEach(function (p) {
      p.layer.eachLayer(function (shape) { p.layer.resetStyle(shape); });
    });
    // What the map shows, for tests and the benchmark: the shapes' file, the bounds fitted, views drawn.
    window.atlasDrawn = {geometry: drawn, fit: fitted, views: (window.atlasDrawn || {views: 0}).views + 1};
  }

  function apply() {
    var v = window.atlasView;
    if (!v || !panes.length) { return; }
    if (v.geometry === drawn) {
      draw();
      return;
    }
    var url = v.geometry;
    Promise.all([load(url), styled()]).then(function (done) {
      var loaded = done[0];
      if (!window.atlasView || window.atlasView.geometry !== url) { return; }  // a newer view wants others
      if (drawn !== url) {
        panes.forEach(function (p) {
          p.layer.clearLayers();
          p.layer.addData(loaded.collection);
        });
        shapes = loaded.shapes;
        drawn = url;
      }
      draw();
    });
  }

  // The legend's and tooltips' stylesheet (app/webmap/choropleth.py LEGEND_CSS), once.
  function style(css) {
    if (document.getElementById("atlas-page-map-css")) { return; }
    var el = document.createElement("style");
    el.id = "atlas-page-map-css";
    el.textContent = css;
    document.head.appendChild(el);
  }

  window.atlasPageMap = {style: style, addPane: addPane, apply: apply};
})();

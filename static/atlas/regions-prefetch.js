// The page map's first script (app/webmap/pagemap.py, with_prefetch). streamlit-folium loads a map's scripts one
// after another and only then runs the map, so the map's geometry file (and the scripts that draw it:
// topojson-client, static/atlas/page-map.js) would wait for Leaflet to load and run. Started here, they load
// beside Leaflet: page-map.js takes the geometry from window.atlasRegions, and each later script tag finds its
// script preloaded.
(function () {
  var params = new URL(document.currentScript.src).searchParams;
  var geometry = params.get("geometry");
  params.getAll("preload").forEach(function (url) {
    var link = document.createElement("link");
    link.rel = "preload";
    link.as = "script";
    link.href = url;
    document.head.appendChild(link);
  });
  window.atlasRegions = {
    url: geometry,
    topology: fetch(geometry).then(function (r) {
      if (!r.ok) { throw new Error(geometry + ": HTTP " + r.status); }
      return r.json();
    })
  };
})();

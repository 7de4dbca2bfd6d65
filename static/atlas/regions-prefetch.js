// The page map's first script (app/mapbuild.py, page_map). streamlit-folium loads a map's scripts one after
// another and only then runs the map, so the map's geometry file (and topojson-client, which decodes it) would
// wait for Leaflet to load and run. Started here, both load beside Leaflet: RegionsLayer takes the geometry
// from window.atlasRegions, and topojson-client's own script tag finds it preloaded.
(function () {
  var params = new URL(document.currentScript.src).searchParams;
  var geometry = params.get("geometry");
  var decoder = document.createElement("link");
  decoder.rel = "preload";
  decoder.as = "script";
  decoder.href = params.get("decoder");
  document.head.appendChild(decoder);
  window.atlasRegions = {
    url: geometry,
    topology: fetch(geometry).then(function (r) {
      if (!r.ok) { throw new Error(geometry + ": HTTP " + r.status); }
      return r.json();
    })
  };
})();

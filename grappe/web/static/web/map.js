/* The map page: markers for every located result of the search, clustered, each with a popup
 * linking to its page; the département outlines when the site has them. Everything the map
 * shows is also in the list beside it, which the server renders and which works without this
 * script. No inline script, no third-party request unless a tile server is configured. */
(function () {
  "use strict";

  var element = document.getElementById("map");
  if (!element || !window.L || !window.fetch) {
    return;
  }
  var data = element.dataset;
  element.hidden = false;

  var map = L.map(element, { scrollWheelZoom: false, keyboard: true, maxZoom: 18 });
  map.setView([45.2, 0.2], 7); // Nouvelle-Aquitaine, until the markers say where to look
  if (data.tiles) {
    L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map);
  }
  map.attributionControl.setPrefix(false);

  function text(tag, className, content) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    node.textContent = content;
    return node;
  }

  // Built from DOM nodes, never from HTML strings: names come from the directory.
  function popupContent(properties) {
    var box = document.createElement("div");
    var link = text("a", "popup-title", properties.name);
    link.href = properties.url;
    link.setAttribute("aria-label", data.labelOpen + " " + properties.name);
    box.appendChild(link);
    if (properties.subtitle) {
      box.appendChild(text("p", "popup-meta", properties.subtitle));
    }
    if (typeof properties.distance_km === "number") {
      box.appendChild(
        text("p", "popup-meta", properties.distance_km.toLocaleString(document.documentElement.lang) + " " + data.labelKm)
      );
    }
    return box;
  }

  function markerFor(feature, latlng) {
    return L.marker(latlng, {
      icon: L.divIcon({
        className: "map-marker map-marker-" + feature.properties.kind,
        iconSize: [18, 18],
      }),
      title: feature.properties.name,
      keyboard: true,
      riseOnHover: true,
    });
  }

  var clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 40,
    iconCreateFunction: function (cluster) {
      var count = cluster.getChildCount();
      return L.divIcon({
        className: "map-cluster",
        iconSize: [36, 36],
        html: '<span aria-hidden="true">' + count + '</span><span class="visually-hidden">' +
          data.labelCluster.replace("%(count)s", count) + "</span>",
      });
    },
  });

  function linkListToMarkers(markers) {
    var items = document.querySelectorAll(".hit[id^='hit-']");
    Array.prototype.forEach.call(items, function (item) {
      var marker = markers[item.id.slice(4)];
      if (!marker) {
        return;
      }
      var button = text("button", "locate", data.labelLocate);
      button.type = "button";
      button.addEventListener("click", function () {
        element.scrollIntoView({ block: "nearest" });
        clusters.zoomToShowLayer(marker, function () {
          marker.openPopup();
        });
      });
      item.appendChild(button);
    });
  }

  function fail(error) {
    if (window.console) {
      console.error(error);
    }
    var notice = text("p", "notice-error", data.labelError);
    notice.setAttribute("role", "status");
    element.parentNode.insertBefore(notice, element);
  }

  fetch(data.geojson, { headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    })
    .then(function (collection) {
      var markers = {};
      L.geoJSON(collection, {
        pointToLayer: markerFor,
        onEachFeature: function (feature, layer) {
          layer.bindPopup(popupContent(feature.properties));
          markers[feature.id] = layer;
        },
      }).eachLayer(function (layer) {
        clusters.addLayer(layer);
      });
      map.addLayer(clusters);
      if (collection.features.length) {
        map.fitBounds(clusters.getBounds(), { padding: [24, 24], maxZoom: 12 });
      }
      element.dataset.markers = String(collection.features.length);
      linkListToMarkers(markers);
    })
    .catch(fail);

  if (data.outlines) {
    fetch(data.outlines)
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (collection) {
        if (collection) {
          L.geoJSON(collection, {
            interactive: false,
            style: { color: "#5b3a8c", weight: 1.5, fill: false },
          }).addTo(map);
        }
      })
      .catch(function () {}); // the outlines are a backdrop: the map works without them
  }
})();

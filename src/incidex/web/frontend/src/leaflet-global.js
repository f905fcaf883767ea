// leaflet.markercluster extends the global `L`: set it before the plugin module is evaluated.
import L from "leaflet";

window.L = L;
export default L;

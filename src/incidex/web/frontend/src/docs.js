// /docs: Swagger UI (swagger-ui-dist from npm, loaded before this file) on the app's OpenAPI schema.
window.addEventListener("DOMContentLoaded", () => {
  window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger", deepLinking: true });
});

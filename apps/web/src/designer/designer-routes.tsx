export default function DesignerRoutes() {
  return null;
}

import { demo } from "../../../lib/demo";

export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return demo().route.POST(request);
}

export function GET(request: Request): Promise<Response> {
  return demo().route.GET(request);
}

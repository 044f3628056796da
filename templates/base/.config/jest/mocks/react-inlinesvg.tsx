// Test double for react-inlinesvg. @grafana/ui's <Icon> would fetch
// `public/img/icons/.../<name>.svg` over the network; under Jest there is no server, so
// render an empty <svg> whose test id is the icon's file name instead.
import React from 'react';

type InlineSvgProps = {
  src: string;
  className?: string;
  title?: string;
};

function iconName(src: string): string {
  const file = src.split('/').pop() ?? src;
  return file.replace(/\.svg$/, '');
}

export default function InlineSvg({ src, className, title }: InlineSvgProps) {
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" className={className} data-testid={iconName(src)}>
      {title ? <title>{title}</title> : null}
    </svg>
  );
}

// react-inlinesvg exposes its cache; @grafana/ui only reads from it.
export const cacheStore: Record<string, unknown> = Object.create(null);

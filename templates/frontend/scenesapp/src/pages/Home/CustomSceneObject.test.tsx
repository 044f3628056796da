// Must come before anything that loads @grafana/scenes.
import '../../testUtils/intersectionObserver';
import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { testIds } from '../../components/testIds';
import { CustomSceneObject } from './CustomSceneObject';

describe('CustomSceneObject', () => {
  it('shows the counter of its state', () => {
    const object = new CustomSceneObject({ counter: 5 });
    render(<object.Component model={object} />);

    expect(screen.getByTestId(testIds.home.seriesCount)).toHaveValue(5);
  });

  it('stores a new counter when the field loses focus', () => {
    const object = new CustomSceneObject({ counter: 5 });
    render(<object.Component model={object} />);
    const input = screen.getByTestId(testIds.home.seriesCount);

    fireEvent.change(input, { target: { value: '8' } });
    fireEvent.blur(input);

    expect(object.state.counter).toBe(8);
  });

  it('ignores values that are not a positive whole number', () => {
    const object = new CustomSceneObject({ counter: 5 });
    render(<object.Component model={object} />);
    const input = screen.getByTestId(testIds.home.seriesCount);

    fireEvent.change(input, { target: { value: '-3' } });
    fireEvent.blur(input);

    expect(object.state.counter).toBe(5);
  });

  it('follows state changes made elsewhere in the scene', () => {
    const object = new CustomSceneObject({ counter: 5 });
    render(<object.Component model={object} />);

    act(() => object.setCounter(3));

    expect(screen.getByTestId(testIds.home.seriesCount)).toHaveValue(3);
  });
});
